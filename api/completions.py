"""Posting completions, and voiding them."""

from __future__ import annotations

from flask import current_app, g, request
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from ledger.services import completions
from ledger.services.receipts import dump_receipts

from .db import ledger_context
from .docs import secured
from .schemas import CompletionBatchSchema, ReceiptSchema, ReceiptsSchema, VoidSchema

blp = Blueprint("completions", __name__, url_prefix="/v1",
                description="Completions pushed by a base's LMS")


class IdempotencyHeaderSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    idempotency_key = fields.String(
        data_key="Idempotency-Key", load_default=None,
        validate=validate.Length(min=1, max=255),
        metadata={"description": "a retry with the same key returns the first response"})


@blp.route("/completions", methods=["POST"])
@blp.response(200, ReceiptsSchema)
@secured(blp, 404, 409)
@blp.arguments(IdempotencyHeaderSchema, location="headers")
@blp.arguments(CompletionBatchSchema)
def post_completions(headers, body):
    """Post one completion or a batch of up to 1000; one receipt per item"""
    items = [completions.NewCompletion(**{**item, "training_dates": tuple(item["training_dates"])})
             for item in body["items"]]
    key = headers["idempotency_key"]
    # The body's hash is what a retry under the same key is compared with: none to make
    # without a key (a sorted dump of 1000 items is a few milliseconds).
    result = completions.post_completions(
        ledger_context(), g.actor, items, key,
        completions.request_hash(request.get_json(silent=True)) if key is not None else None)
    # Up to 1000 receipts that are plain dicts already: dumped by hand, exactly as
    # ReceiptsSchema would (tests/api/test_receipt_dump.py), which stays the contract.
    return current_app.json.response(dump_receipts(result))


@blp.route("/completions/<id:posting_id>", methods=["GET"])
@blp.response(200, ReceiptSchema)
@secured(blp, 404)
def get_completion(posting_id):
    """One of the base's own completions, with its current receipt"""
    return completions.get_completion(ledger_context(), g.actor, posting_id)


@blp.route("/completions/<id:posting_id>/void", methods=["POST"])
@blp.response(200, ReceiptSchema)
@secured(blp, 404, 409)
@blp.arguments(VoidSchema)
def void(data, posting_id):
    """Void the base's own completion: a credit gets a reversal entry"""
    return completions.void_completion(ledger_context(), g.actor, posting_id, data["reason"])
