"""Schemas of regulatory proposals and misconduct records (api/regulation.py)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ProposalQuerySchema(Schema):
    status = fields.String(load_default="open",
                           validate=validate.OneOf(["open", "accepted", "dismissed"]))


class ProposalSchema(Schema):
    id = fields.Integer(strict=True, required=True)
    base_id = fields.Integer(strict=True, required=True)
    kind = fields.String(required=True)
    reason = fields.String(required=True)
    citation = fields.Dict()
    created_at = fields.DateTime(required=True)
    created_by_job = fields.String()
    status = fields.String(required=True)
    decided_at = fields.DateTime(allow_none=True)


class ProposalDecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["accepted", "dismissed"]))
    effective_on = fields.Date(load_default=None, allow_none=True,
                               metadata={"description": "the revocation's date; today if absent"})
    void_from = fields.Date(load_default=None, allow_none=True)
    misconduct = fields.Boolean(load_default=False)
    due_on = fields.Date(load_default=None, allow_none=True,
                         metadata={"description": "for a rectification: its due date"})
    reason = fields.String(load_default="", validate=validate.Length(max=2000))
    document_number = fields.String(load_default=None, allow_none=True,
                                    validate=validate.Length(min=1, max=100),
                                    metadata={"description": "the decision's 文号"})
    basis = fields.String(load_default=None, allow_none=True,
                          validate=validate.Length(min=1, max=2000))


class MisconductRecordSchema(Schema):
    id = fields.Integer(strict=True, required=True)
    base_id = fields.Integer(strict=True, required=True)
    standing_event_id = fields.Integer(strict=True, required=True)
    host_unit = fields.String(required=True)
    reason = fields.String(required=True)
    citation = fields.Dict()
    recorded_at = fields.DateTime(required=True)
