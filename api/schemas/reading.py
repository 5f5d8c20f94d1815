"""Schemas of professionals' hours, compliance and verification (api/reading.py)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .common import Text, Year
from .completions import ReasonSchema


class YearsQuerySchema(Schema):
    year_from = Year(strict=False)
    year_to = Year(strict=False)


class ProjectRefSchema(Schema):
    id = fields.Integer(strict=True)
    title = fields.String()
    start_on = fields.Date()
    end_on = fields.Date()


class BaseRefSchema(Schema):
    id = fields.Integer(strict=True)
    name = fields.String()
    registry_number = fields.String(allow_none=True)


class EntrySchema(Schema):
    id = fields.Integer(strict=True, required=True)
    seq = fields.Integer(strict=True, required=True)
    kind = fields.String(required=True)
    hours = fields.Decimal(as_string=True, required=True)
    subject = fields.String(required=True)
    year = fields.Integer(strict=True, required=True)
    posting_id = fields.Integer(strict=True, required=True)
    reverses_id = fields.Integer(strict=True, allow_none=True)
    reason = fields.String()
    policy_version = fields.String()
    created_at = fields.DateTime()
    project = fields.Nested(ProjectRefSchema)
    base = fields.Nested(BaseRefSchema)
    hash = fields.String()


class ComplianceSchema(Schema):
    met = fields.Boolean(required=True, allow_none=True, metadata={
        "description": "null where no requirement is on record for the year"})
    required_total = fields.Decimal(as_string=True, allow_none=True)
    required_professional = fields.Decimal(as_string=True, allow_none=True)
    shortfall_total = fields.Decimal(as_string=True, allow_none=True)
    shortfall_professional = fields.Decimal(as_string=True, allow_none=True)
    policy = fields.Dict(allow_none=True)
    rule = fields.Dict()


class YearSchema(Schema):
    year = fields.Integer(strict=True, required=True)
    public = fields.Decimal(as_string=True, required=True)
    professional = fields.Decimal(as_string=True, required=True)
    total = fields.Decimal(as_string=True, required=True)
    compliance = fields.Nested(ComplianceSchema, required=True)
    entries = fields.List(fields.Nested(EntrySchema), required=True)


class WhoSchema(Schema):
    id_masked = fields.String()
    name = fields.String()
    jurisdiction = fields.String(allow_none=True)


class ChainSchema(Schema):
    length = fields.Integer(strict=True)
    head_seq = fields.Integer(strict=True)
    head_hash = fields.String()
    intact = fields.Boolean()


class NotCreditedSchema(Schema):
    posting_id = fields.Integer(strict=True)
    external_id = fields.String()
    status = fields.String()
    base = fields.Nested(BaseRefSchema)
    project_id = fields.Integer(strict=True)
    hours = fields.Decimal(as_string=True)
    training_dates = fields.List(fields.String())
    reasons = fields.List(fields.Nested(ReasonSchema))
    received_at = fields.DateTime()


class HoursSchema(Schema):
    professional = fields.Nested(WhoSchema, required=True)
    years = fields.List(fields.Nested(YearSchema), required=True)
    not_credited = fields.List(fields.Nested(NotCreditedSchema), required=True)
    chain = fields.Nested(ChainSchema, required=True)


class AccessLogSchema(Schema):
    id = fields.Integer(strict=True, required=True)
    at = fields.DateTime(required=True)
    accessor_role = fields.String(required=True)
    accessor_name = fields.String(required=True)
    purpose = fields.String(required=True)
    detail = fields.Dict()


class VerificationRequestSchema(Schema):
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = Text(100, required=True)
    year_from = Year(required=True)
    year_to = Year(required=True)
    purpose = Text(500, required=True, metadata={"example": "2026年度高级职称评审"})


class VerifiedBySchema(Schema):
    client_id = fields.String()
    name = fields.String()
    jurisdiction = fields.String(allow_none=True)


class VerificationReportSchema(Schema):
    professional = fields.Nested(WhoSchema, required=True)
    years = fields.List(fields.Nested(YearSchema), required=True)
    chain = fields.Nested(ChainSchema, required=True)
    verified_at = fields.DateTime(required=True)
    verified_by = fields.Nested(VerifiedBySchema, required=True)
    purpose = fields.String(required=True)
    year_from = fields.Integer(strict=True, required=True)
    year_to = fields.Integer(strict=True, required=True)


class VerificationSchema(Schema):
    report = fields.Nested(VerificationReportSchema, required=True)
    attestation = fields.String(required=True, metadata={
        "description": "a JWS (EdDSA) over the report's digest; verify it with the JWKS"})


class ProfessionalCreateSchema(Schema):
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = Text(100, required=True)
    jurisdiction = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$"))
    password = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(min=8, max=256))


class ProfessionalSchema(Schema):
    id_masked = fields.String(required=True)
    name = fields.String(required=True)
    jurisdiction = fields.String(allow_none=True, attribute="jurisdiction_code")
