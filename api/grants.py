"""A professional's grants of access to a named committee, over the API (the dashboard
offers the same): list, grant for 1-365 days, revoke."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ledger.services import grants

from .db import ledger_context
from .docs import secured
from .schemas import MAX_ID


class GrantCreateSchema(Schema):
    committee_id = fields.Integer(strict=True, required=True,
                                  validate=validate.Range(min=1, max=MAX_ID),
                                  metadata={"description": "a committee from GET /v1/committees"})
    days = fields.Integer(strict=True, required=True,
                          validate=validate.Range(min=1, max=grants.MAX_DAYS))
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=500))


class GrantSchema(Schema):
    id = fields.Integer(strict=True, required=True)
    committee = fields.String(required=True)
    jurisdiction = fields.String(required=True, allow_none=True)
    purpose = fields.String(required=True)
    granted_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)
    revoked_at = fields.DateTime(required=True, allow_none=True)
    active = fields.Boolean(required=True)


class CommitteeSchema(Schema):
    id = fields.Integer(strict=True, required=True)
    name = fields.String(required=True)
    jurisdiction = fields.String(required=True, allow_none=True, attribute="jurisdiction_code")


blp = Blueprint("grants", __name__, url_prefix="/v1",
                description="Professionals' time-limited grants of access to committees")


@blp.route("/committees", methods=["GET"])
@blp.response(200, CommitteeSchema(many=True))
@secured(blp, 404)
def list_committees():
    """The committees a professional may name in a grant"""
    return grants.committees_for(ledger_context(), g.actor)


@blp.route("/me/grants", methods=["GET"])
@blp.response(200, GrantSchema(many=True))
@secured(blp, 404)
def my_grants():
    """My grants to committees, newest first"""
    return grants.grants_of(ledger_context(), g.actor)


@blp.route("/me/grants", methods=["POST"])
@blp.response(201, GrantSchema)
@secured(blp, 404, 422)
@blp.arguments(GrantCreateSchema)
def create_grant(data):
    """Grant a named committee access to my record for 1 to 365 days"""
    return grants.grant_view(ledger_context(), g.actor, data["committee_id"], data["days"],
                             data["purpose"])


@blp.route("/me/grants/<id:grant_id>/revoke", methods=["POST"])
@blp.response(200, GrantSchema)
@secured(blp, 404)
def revoke_grant(grant_id):
    """Revoke a grant at once"""
    return grants.revoke_view(ledger_context(), g.actor, grant_id)
