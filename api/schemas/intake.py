"""Schemas for intake (attendance, rosters, xAPI), anomaly flags and the provincial feed."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from .common import MAX_ID, Text


class AttendanceItemSchema(Schema):
    external_id = Text(128, required=True,
                       metadata={"description": "the base's own id of the session, unique "
                                                "per base"})
    project_id = fields.Integer(strict=True, required=True,
                                validate=validate.Range(min=1, max=MAX_ID))
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = Text(100, required=True)
    mode = fields.String(load_default="classroom",
                         validate=validate.OneOf(["classroom", "online"]))
    session_on = fields.Date(load_default=None, allow_none=True,
                             metadata={"description": "the day, for online minutes"})
    sign_in = fields.AwareDateTime(load_default=None, allow_none=True)
    sign_out = fields.AwareDateTime(load_default=None, allow_none=True)
    minutes = fields.Integer(strict=True, load_default=None, allow_none=True,
                             validate=validate.Range(min=1, max=1440))


class AttendanceBatchSchema(Schema):
    items = fields.List(fields.Nested(AttendanceItemSchema), required=True,
                        validate=validate.Length(min=1, max=1000))


class AttendanceReceiptSchema(Schema):
    external_id = fields.String(required=True)
    attendance_id = fields.Integer(strict=True, required=True)
    project_id = fields.Integer(strict=True, required=True)
    session_on = fields.Date(required=True)
    minutes = fields.Integer(strict=True, required=True)
    mode = fields.String(required=True)
    replayed = fields.Boolean(required=True)
    flags = fields.List(fields.Integer(strict=True), required=True,
                        metadata={"description": "overlap flags this session raised"})


class AttendanceReceiptsSchema(Schema):
    receipts = fields.List(fields.Nested(AttendanceReceiptSchema), required=True)


class FlagQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(["open", "resolved"]))
    kind = fields.String(validate=validate.OneOf(
        ["overlap", "day_overfull", "no_attendance", "over_capacity", "identical_batch"]))
    base_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))


class FlagSchema(Schema):
    id = fields.Integer(strict=True, required=True)
    kind = fields.String(required=True)
    base_id = fields.Integer(strict=True, required=True)
    jurisdiction = fields.String(required=True)
    project_id = fields.Integer(strict=True, allow_none=True)
    professional_id = fields.Integer(strict=True, allow_none=True)
    message = fields.String(required=True)
    evidence = fields.Dict(required=True)
    status = fields.String(required=True)
    resolution = fields.String(allow_none=True)
    note = fields.String()
    created_at = fields.DateTime(required=True)
    resolved_at = fields.DateTime(allow_none=True)


class FlagResolutionSchema(Schema):
    resolution = fields.String(required=True, validate=validate.OneOf(
        ["upheld", "dismissed", "confirmed"]),
        metadata={"description": "overlap: upheld (the later session does not credit) or "
                                 "dismissed (both stand); other kinds: confirmed or dismissed"})
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class FlagScanSchema(Schema):
    project_id = fields.Integer(strict=True, required=True,
                                validate=validate.Range(min=1, max=MAX_ID))


class StatementReceiptSchema(Schema):
    statement_id = fields.String(required=True)
    verb = fields.String(required=True)
    kind = fields.String(required=True,
                         metadata={"description": "completion, attendance, void or ignored"})
    status = fields.String(required=True)
    completion = fields.Dict(metadata={"description": "the completion's receipt when stored"})
    attendance = fields.Dict()
    voids = fields.String()
    voided_by = fields.String(allow_none=True)
    stored = fields.DateTime(required=True)
    current = fields.Dict(allow_none=True,
                          metadata={"description": "the completion's receipt now"})


class RosterTemplateQuerySchema(Schema):
    kind = fields.String(load_default="completions",
                         validate=validate.OneOf(["completions", "attendance"]))
    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))


class RosterQuerySchema(Schema):
    kind = fields.String(load_default="completions",
                         validate=validate.OneOf(["completions", "attendance"]))
    format = fields.String(validate=validate.OneOf(["csv", "xlsx"]),
                           metadata={"description": "by default, the file name's extension"})


class RosterUploadSchema(Schema):
    file = Upload(required=True)


class FeedQuerySchema(Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**62),
                           metadata={"description": "the cursor: the last seq already read"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class FeedProfessionalSchema(Schema):
    id = fields.Integer(strict=True, required=True)
    id_masked = fields.String(required=True)
    name = fields.String(required=True)


class FeedItemSchema(Schema):
    seq = fields.Integer(strict=True, required=True)
    kind = fields.String(required=True, metadata={"description": "credit or reversal"})
    entry_id = fields.Integer(strict=True, required=True)
    reverses_entry_id = fields.Integer(strict=True, allow_none=True)
    hours = fields.String(required=True)
    subject = fields.String(required=True)
    year = fields.Integer(strict=True, required=True)
    jurisdiction = fields.String(required=True)
    base_id = fields.Integer(strict=True, required=True)
    project_id = fields.Integer(strict=True, required=True)
    external_id = fields.String(required=True)
    training_dates = fields.List(fields.String(), required=True)
    professional = fields.Nested(FeedProfessionalSchema, required=True)
    reason = fields.String()
    policy_version = fields.String()
    created_at = fields.String(required=True)
    hash = fields.String(required=True)
    prev_hash = fields.String(required=True)


class FeedPageSchema(Schema):
    items = fields.List(fields.Nested(FeedItemSchema), required=True)
    next = fields.Integer(strict=True, required=True,
                          metadata={"description": "the cursor for the next page"})
    has_more = fields.Boolean(required=True)


class DeliverySchema(Schema):
    seq = fields.Integer(strict=True, required=True)
    entry_id = fields.Integer(strict=True, required=True)
    jurisdiction = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "pending, delivered, dead"})
    attempts = fields.Integer(strict=True, required=True)
    last_error = fields.String()
    next_attempt_at = fields.DateTime()
    replayed = fields.Integer(strict=True)
