"""What the sweeps propose to regulators, and the 失信 records they keep."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from marshmallow import RAISE

from ledger.services import proposals

from .db import ledger_context
from .docs import secured
from .schemas import (
    MisconductRecordSchema,
    ProposalDecisionSchema,
    ProposalQuerySchema,
    ProposalSchema,
)

blp = Blueprint("regulation", __name__, url_prefix="/v1",
                description="Proposals from the scheduled sweeps, and misconduct records")


@blp.route("/proposals", methods=["GET"])
@blp.response(200, ProposalSchema(many=True))
@secured(blp, 404)
@blp.arguments(ProposalQuerySchema, location="query", unknown=RAISE)
def list_proposals(query):
    """Proposals in the regulator's jurisdiction (open ones unless asked otherwise)"""
    return proposals.list_proposals(ledger_context(), g.actor, query["status"])


@blp.route("/proposals/<id:proposal_id>/decision", methods=["POST"])
@blp.response(200, ProposalSchema)
@secured(blp, 404, 409)
@blp.arguments(ProposalDecisionSchema)
def decide(data, proposal_id):
    """Accept a proposal (revoking the base) or dismiss it"""
    return proposals.decide_proposal(
        ledger_context(), g.actor, proposal_id, data["decision"] == "accepted",
        effective_on=data["effective_on"], void_from=data["void_from"],
        misconduct=data["misconduct"], reason=data["reason"], due_on=data["due_on"],
        document_number=data["document_number"], basis=data["basis"])


@blp.route("/bases/<id:base_id>/misconduct-records", methods=["GET"])
@blp.response(200, MisconductRecordSchema(many=True))
@secured(blp, 404)
def misconduct_records(base_id):
    """A base's 失信 records (威海 第二十条)"""
    return proposals.misconduct_records(ledger_context(), g.actor, base_id)
