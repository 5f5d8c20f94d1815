"""Schemas of completion batches, receipts and voids (api/completions.py)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .common import MAX_ID, SUBJECTS, Hours, Text


class CompletionItemSchema(Schema):
    external_id = Text(128, required=True,
                       metadata={"description": "the LMS's own id, unique per base"})
    project_id = fields.Integer(strict=True, required=True,
                                validate=validate.Range(min=1, max=MAX_ID))
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=32),
                              metadata={"description": "18-character resident ID number"})
    name = Text(100, required=True)
    hours = Hours(required=True)
    subject = fields.String(required=True, validate=validate.OneOf(SUBJECTS))
    training_dates = fields.List(fields.Date(), required=True,
                                 validate=validate.Length(min=1, max=366))
    assessment = fields.String(required=True,
                               validate=validate.OneOf(["passed", "failed", "absent"]))
    minutes = fields.Integer(strict=True, load_default=None, allow_none=True,
                             validate=validate.Range(min=1, max=1_000_000),
                             metadata={"description": "minutes attended, where the LMS "
                                                      "measures them"})


class CompletionBatchSchema(Schema):
    items = fields.List(fields.Nested(CompletionItemSchema), required=True,
                        validate=validate.Length(min=1, max=1000))


class ReasonSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    rule = fields.Dict(allow_none=True)
    details = fields.Dict()


class ReceiptSchema(Schema):
    external_id = fields.String(required=True)
    posting_id = fields.Integer(strict=True, required=True)
    status = fields.String(required=True,
                           metadata={"description": "credited, rejected, held or voided"})
    entry_id = fields.Integer(strict=True, allow_none=True)
    reversal_entry_id = fields.Integer(strict=True, allow_none=True)
    hours = fields.String(allow_none=True)
    subject = fields.String(allow_none=True)
    year = fields.Integer(strict=True, allow_none=True)
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    notes = fields.List(fields.Nested(ReasonSchema), metadata={
        "description": "what explains the outcome without deciding it: an exception applied, "
                       "hours over the daily cap, a draft regulation's advice"})
    policy = fields.Dict(allow_none=True)
    replayed = fields.Boolean(required=True)


class ReceiptsSchema(Schema):
    receipts = fields.List(fields.Nested(ReceiptSchema), required=True)
    summary = fields.Dict(keys=fields.String(), values=fields.Integer(strict=True), required=True)


class VoidSchema(Schema):
    reason = Text(2000, required=True)
