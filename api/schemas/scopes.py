"""Schemas of training-scope grants, 常州 第四条 培训权限 (api/scopes.py)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .common import SUBJECTS, Text


class ScopeGrantCreateSchema(Schema):
    effective_on = fields.Date(required=True)
    subjects = fields.List(fields.String(validate=validate.OneOf(SUBJECTS)), required=True,
                           validate=validate.Length(min=1, max=2))
    district_only = fields.Boolean(required=True, metadata={
        "description": "whether the base trains only professionals of its own district"})
    reason = Text(2000, required=True)
    document_number = fields.String(load_default=None, allow_none=True,
                                    validate=validate.Length(min=1, max=100),
                                    metadata={"description": "the decision's 文号"})


class ScopeGrantSchema(Schema):
    id = fields.Integer(strict=True, required=True)
    base_id = fields.Integer(strict=True, required=True)
    effective_on = fields.Date(required=True)
    subjects = fields.List(fields.String(), required=True)
    district_only = fields.Boolean(required=True)
    reason = fields.String(required=True)
    document_number = fields.String(allow_none=True)
    recorded_at = fields.DateTime(required=True)
    recorded_by = fields.Integer(strict=True, allow_none=True)
