"""Regulators' workflows: recognition, annual plans, assessments, changes of record."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from ledger.recognition import Step
from ledger.services import applications, assessments, bases, plans

from .db import ledger_context
from .docs import secured
from .schemas import (
    ApplicationCreateSchema,
    ApplicationSchema,
    ApplicationStepSchema,
    AssessmentCreateSchema,
    AssessmentFactsSchema,
    AssessmentQuerySchema,
    AssessmentSchema,
    ChangeCreateSchema,
    ChangeSchema,
    PlanApprovalSchema,
    PlanCreateSchema,
    PlanSchema,
    ReminderSchema,
)

blp = Blueprint("lifecycle", __name__, url_prefix="/v1",
                description="Recognition, annual plans, assessments and changes of record")


@blp.route("/applications")
class Applications(MethodView):
    @blp.response(200, ApplicationSchema(many=True))
    @secured(blp, 404)
    def get(self):
        """Applications for recognition in the regulator's jurisdiction"""
        return applications.list_applications(ledger_context(), g.actor)

    @blp.response(201, ApplicationSchema)
    @secured(blp, 404)
    @blp.arguments(ApplicationCreateSchema)
    def post(self, data):
        """Enter an application for recognition (申报)"""
        return applications.submit(ledger_context(), g.actor,
                                   applications.NewApplication(**data))


@blp.route("/applications/<id:application_id>/steps", methods=["POST"])
@blp.response(200, ApplicationSchema)
@secured(blp, 404)
@blp.arguments(ApplicationStepSchema)
def step(data, application_id):
    """Move an application on: recommend, review, public notice, objection, recognise"""
    return applications.take_step(
        ledger_context(), g.actor, application_id, Step(data["step"]), on=data["on"],
        note=data["note"], fraud=data["fraud"], registry_number=data["registry_number"],
        term_end=data["term_end"])


@blp.route("/bases/<id:base_id>/plans")
class Plans(MethodView):
    @blp.response(200, PlanSchema(many=True))
    @secured(blp, 404)
    def get(self, base_id):
        """A base's annual plans"""
        return plans.list_plans(ledger_context(), g.actor, base_id)

    @blp.response(201, PlanSchema)
    @secured(blp, 404, 409)
    @blp.arguments(PlanCreateSchema)
    def post(self, data, base_id):
        """Submit next year's plan with this year's execution summary"""
        return plans.submit_plan(ledger_context(), g.actor, base_id, data["year"],
                                 data["summary"], data["items"])


@blp.route("/plans/<id:plan_id>/approval", methods=["POST"])
@blp.response(200, PlanSchema)
@secured(blp, 404, 409)
@blp.arguments(PlanApprovalSchema)
def approve(data, plan_id):
    """Record the supervising unit's approval of a plan"""
    return plans.approve_plan(ledger_context(), g.actor, plan_id, data["approver"])


@blp.route("/plans/<id:plan_id>/filing", methods=["POST"])
@blp.response(200, PlanSchema)
@secured(blp, 404, 409)
def file(plan_id):
    """File a plan: its items become filed projects"""
    return plans.file_plan(ledger_context(), g.actor, plan_id)


@blp.route("/bases/<id:base_id>/assessment-facts", methods=["GET"])
@blp.response(200, AssessmentFactsSchema)
@secured(blp, 404)
@blp.arguments(AssessmentQuerySchema, location="query", unknown=RAISE)
def assessment_facts(query, base_id):
    """The facts the ledger holds for a base's yearly assessment"""
    return {"facts": assessments.facts(ledger_context(), g.actor, base_id, query["year"])}


@blp.route("/bases/<id:base_id>/assessments", methods=["POST"])
@blp.response(201, AssessmentSchema)
@secured(blp, 404, 409)
@blp.arguments(AssessmentCreateSchema)
def record_assessment(data, base_id):
    """Record the outcome of a base's yearly assessment, optionally published"""
    return assessments.record(ledger_context(), g.actor, base_id, data["year"],
                              data["outcome"], data["note"], data["publish"])


@blp.route("/bases/<id:base_id>/changes")
class Changes(MethodView):
    @blp.response(200, ChangeSchema(many=True))
    @secured(blp, 404)
    def get(self, base_id):
        """A base's changes of record"""
        ctx = ledger_context()
        bases.base_in_reach(ctx, g.actor, base_id)
        return bases.changes_of(ctx, [base_id]).get(base_id, [])

    @blp.response(201, ChangeSchema)
    @secured(blp, 404)
    @blp.arguments(ChangeCreateSchema)
    def post(self, data, base_id):
        """File a change of name, contact or affiliation"""
        return bases.change_record(ledger_context(), g.actor, base_id, data["field"],
                                   data["new"], data["effective_on"])


@blp.route("/bases/<id:base_id>/reminders", methods=["GET"])
@blp.response(200, ReminderSchema(many=True))
@secured(blp, 404)
def reminders(base_id):
    """Reminders the sweeps sent a base before its deadlines"""
    return bases.reminders_for(ledger_context(), g.actor, base_id)
