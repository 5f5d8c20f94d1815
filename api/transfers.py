"""Transfers of professionals between jurisdictions (issue 10: no claiming another's person)."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ledger.services import transfers

from .db import ledger_context
from .docs import secured
from .schemas import Text

blp = Blueprint("transfers", __name__, url_prefix="/v1",
                description="Transfers of professionals between jurisdictions")


class TransferCreateSchema(Schema):
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=32))
    to_jurisdiction = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$"))
    reason = Text(500, required=True, metadata={
        "description": "why the record moves, e.g. the person's new employer"})


class TransferSchema(Schema):
    id = fields.Integer(required=True)
    id_masked = fields.String(required=True)
    name = fields.String(required=True)
    from_jurisdiction = fields.String(allow_none=True, metadata={
        "description": "null for a person not registered anywhere yet"})
    to_jurisdiction = fields.String(required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True, metadata={
        "description": "open until a regulator of to_jurisdiction registers the person"})
    requested_at = fields.DateTime(required=True)
    completed_at = fields.DateTime(allow_none=True)


@blp.route("/professional-transfers", methods=["POST"])
@blp.response(201, TransferSchema)
@secured(blp, 404, 409, 422)
@blp.arguments(TransferCreateSchema)
def release(data):
    """Release a professional your jurisdiction holds to another jurisdiction"""
    return transfers.release(ledger_context(), g.actor, data["id_number"],
                             data["to_jurisdiction"], data["reason"])


@blp.route("/professional-transfers", methods=["GET"])
@blp.response(200, TransferSchema(many=True))
@secured(blp, 404)
def list_transfers():
    """Transfers out of and into your jurisdiction, newest first"""
    return transfers.transfers(ledger_context(), g.actor)
