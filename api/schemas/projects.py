"""Schemas of projects and their approval decisions (api/projects.py)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ledger.services.projects import MODES
from ledger.services.reading import FIRST_YEAR

from .common import MONEY_PATTERN, SUBJECTS, DecimalString, Hours, Text, decimal_between, places


class ProjectCreateSchema(Schema):
    title = Text(300, required=True)
    subject = fields.String(required=True, validate=validate.OneOf(SUBJECTS),
                            metadata={"description": "public 公需科目 or professional 专业科目"})
    field = Text(100, required=True)
    mode = fields.String(required=True, validate=validate.OneOf(MODES))
    start_on = fields.Date(required=True)
    end_on = fields.Date(required=True)
    hours = Hours(required=True)
    fee = DecimalString(as_string=True, required=True,
                         validate=[decimal_between("0", "999999.99"), places(2)],
                         metadata={"pattern": MONEY_PATTERN, "example": "600.00"})
    capacity = fields.Integer(strict=True, required=True,
                              validate=validate.Range(min=1, max=1_000_000))
    plan_year = fields.Integer(strict=True, allow_none=True, load_default=None,
                               validate=validate.Range(min=FIRST_YEAR, max=2100),
                               metadata={"description": "the annual plan's year; null for a "
                                                        "one-off filing (一事一报)"})


class ProjectSchema(Schema):
    id = fields.Integer(strict=True, required=True)
    base_id = fields.Integer(strict=True, required=True)
    title = fields.String(required=True)
    subject = fields.String(required=True)
    field = fields.String(required=True)
    mode = fields.String(required=True)
    start_on = fields.Date(required=True)
    end_on = fields.Date(required=True)
    hours = fields.Decimal(as_string=True, required=True)
    fee = fields.Decimal(as_string=True, required=True)
    capacity = fields.Integer(strict=True, required=True)
    plan_year = fields.Integer(strict=True, allow_none=True)
    submitted_at = fields.DateTime(required=True)
    submitted_on = fields.Date(required=True, metadata={"description": "Beijing date of filing"})
    status = fields.String(required=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_note = fields.String()
    lead_time_exception = fields.String(allow_none=True,
                                        metadata={"description": "granted or refused"})
    lead_time_exception_reason = fields.String(allow_none=True)
    lead_time_exception_on = fields.Date(allow_none=True)


class LeadTimeExceptionSchema(Schema):
    granted = fields.Boolean(required=True)
    reason = Text(2000, required=True)


class ProjectDecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["accepted", "rejected"]))
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    lead_time_exception = fields.Nested(LeadTimeExceptionSchema, metadata={
        "description": "威海 第十六条 一般应: for a one-off filing made later than the lead "
                       "time, the regulator grants or refuses an exception, with its reason"})
