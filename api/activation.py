"""A regulator issues a professional's one-time activation code (the first password).

The ID number goes in the body, never the URL; the code is in the answer only, once.
"""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ledger.services import activation

from .db import ledger_context
from .docs import secured


class ActivationCodeRequestSchema(Schema):
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=32))


class ActivatedWhoSchema(Schema):
    id_masked = fields.String(required=True)
    name = fields.String(required=True)


class ActivationCodeSchema(Schema):
    code = fields.String(required=True, metadata={
        "description": "one-time code the professional types on /activate; shown only once"})
    expires_at = fields.DateTime(required=True)
    professional = fields.Nested(ActivatedWhoSchema, required=True)


blp = Blueprint("activation", __name__, url_prefix="/v1",
                description="Professionals' first password: one-time activation codes")


@blp.route("/professionals/activation-codes", methods=["POST"])
@blp.response(201, ActivationCodeSchema)
@secured(blp, 404, 422)
@blp.arguments(ActivationCodeRequestSchema)
def issue_activation_code(data):
    """Issue a one-time activation code for a professional in the regulator's jurisdiction"""
    return activation.issue_code(ledger_context(), g.actor, data["id_number"])
