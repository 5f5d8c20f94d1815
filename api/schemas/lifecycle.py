"""Schemas of applications, plans, assessments, changes and reminders (api/lifecycle.py)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .bases import ParticularsSchema
from .common import Text, Year
from .projects import ProjectCreateSchema


class ApplicationCreateSchema(ParticularsSchema):
    contact = fields.String(load_default="", validate=validate.Length(max=200))
    holds_level = fields.String(load_default=None, allow_none=True,
                                validate=validate.OneOf(["national", "provincial"]),
                                metadata={"description": "the level of recognition the "
                                                         "applicant already holds"})


class ApplicationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True)
    jurisdiction = fields.String(attribute="jurisdiction_code", required=True)
    host_unit = fields.String(required=True)
    supervising_unit = fields.String(required=True)
    holds_level = fields.String(allow_none=True)
    status = fields.String(required=True)
    submitted_at = fields.DateTime(required=True)
    notice_from = fields.Date(allow_none=True)
    notice_until = fields.Date(allow_none=True)
    steps = fields.List(fields.Dict(), required=True)
    base_id = fields.Integer(allow_none=True)


class ApplicationStepSchema(Schema):
    step = fields.String(required=True, validate=validate.OneOf(
        ["recommend", "decline", "pass_review", "fail_review", "open_notice", "object",
         "close_notice", "recognise"]))
    on = fields.Date(load_default=None, allow_none=True,
                     metadata={"description": "when it happened; today if absent"})
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    fraud = fields.Boolean(load_default=False,
                           metadata={"description": "with fail_review: the applicant cheated"})
    registry_number = fields.String(load_default=None, allow_none=True,
                                    validate=validate.Length(min=1, max=64))
    term_end = fields.Date(load_default=None, allow_none=True)


class PlanItemSchema(ProjectCreateSchema):
    """A project in an annual plan: a filing whose plan year is the plan's."""

    class Meta:
        exclude = ("plan_year",)


class PlanCreateSchema(Schema):
    year = Year(required=True)
    summary = Text(20000, required=True,
                   metadata={"description": "the execution summary of the year before"})
    items = fields.List(fields.Nested(PlanItemSchema), required=True,
                        validate=validate.Length(min=1, max=500))


class PlanSchema(Schema):
    id = fields.Integer(required=True)
    base_id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    summary = fields.String(required=True)
    items = fields.List(fields.Dict(), required=True)
    submitted_at = fields.DateTime(required=True)
    submitted_on = fields.Date(required=True)
    status = fields.String(required=True)
    approved_by = fields.String(allow_none=True)
    filed_at = fields.DateTime(allow_none=True)


class PlanApprovalSchema(Schema):
    approver = Text(200, required=True, metadata={"description": "the supervising unit"})


class AssessmentQuerySchema(Schema):
    year = Year(strict=False, required=True)


class AssessmentCreateSchema(Schema):
    year = Year(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(["pass", "fail"]))
    note = fields.String(load_default="", validate=validate.Length(max=5000))
    publish = fields.Boolean(load_default=False)


class AssessmentFactsSchema(Schema):
    facts = fields.Dict(required=True)


class AssessmentSchema(Schema):
    id = fields.Integer(required=True)
    base_id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    outcome = fields.String(required=True)
    note = fields.String()
    facts = fields.Dict(required=True)
    published = fields.Boolean(required=True)
    recorded_at = fields.DateTime(required=True)


class ChangeCreateSchema(Schema):
    field = fields.String(required=True, validate=validate.OneOf(
        ["name", "contact", "host_unit", "supervising_unit"]))
    new = Text(200, required=True)
    effective_on = fields.Date(required=True)


class ChangeSchema(Schema):
    id = fields.Integer(required=True)
    field = fields.String(required=True)
    old = fields.String(required=True)
    new = fields.String(required=True)
    effective_on = fields.Date(required=True)
    recorded_at = fields.DateTime(required=True)


class ReminderSchema(Schema):
    kind = fields.String(required=True)
    deadline = fields.Date(required=True)
    message = fields.String(required=True)
    created_at = fields.DateTime(required=True)
