"""Marshmallow schemas: what the API reads and writes, and the source of openapi.yaml."""

from __future__ import annotations

import re
from decimal import Decimal

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ledger.services.bases import LEVELS
from ledger.services.projects import MODES
from ledger.services.reading import FIRST_YEAR
from ledger.standing import EventType

SUBJECTS = ("public", "professional")
ROLES = ("regulator", "committee")


def places(n: int):
    """At most ``n`` decimal places; never rounds a value silently."""

    def check(value: Decimal) -> None:
        exponent = value.as_tuple().exponent
        if not isinstance(exponent, int) or exponent < -n:
            raise ValidationError(f"use at most {n} decimal place(s)")

    return check


def decimal_between(low: str, high: str):
    """A range check apispec does not render: the field's pattern states it as a string."""
    lo, hi = Decimal(low), Decimal(high)

    def check(value: Decimal) -> None:
        if not lo <= value <= hi:
            raise ValidationError(f"must be between {low} and {high}")

    return check


# Decimals travel as strings (never floats). These patterns say in the contract what
# the validators enforce, so a client (or Schemathesis) knows a valid value up front.
SIGNED_DECIMAL = r"^-?\d+(\.\d+)?$"
HOURS_PATTERN = r"^([1-9]\d{0,3}(\.\d)?|0\.[1-9])$"  # 0.1 to 9999.9, one place at most
MONEY_PATTERN = r"^\d{1,6}(\.\d{1,2})?$"  # 0 to 999999.99


def decimal_as_string(_converter, field, **_kw) -> dict:
    """apispec attribute function: a Decimal dumped as a string is a string in the spec."""
    if isinstance(field, fields.Decimal) and field.as_string:
        return {"type": "string", "format": "decimal",
                "pattern": field.metadata.get("pattern", SIGNED_DECIMAL)}
    return {}


class DecimalString(fields.Decimal):
    """A decimal sent as a string matching the field's pattern (never a float, never
    1e2): what the contract says is exactly what is accepted."""

    def _deserialize(self, value, attr, data, **kwargs):
        pattern = self.metadata.get("pattern", SIGNED_DECIMAL)
        if not isinstance(value, str) or not re.fullmatch(pattern, value):
            raise ValidationError(f"a decimal as a string matching {pattern}")
        return super()._deserialize(value, attr, data, **kwargs)


def Hours(**kw) -> fields.Decimal:  # noqa: N802 - a field factory reads like a field
    return DecimalString(
        as_string=True,
        validate=[decimal_between("0.1", "9999.9"), places(1)],
        metadata={"description": "学时, a decimal with one place", "example": "8.0",
                  "pattern": HOURS_PATTERN},
        **kw,
    )


def Text(max_len: int, **kw) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.Length(min=1, max=max_len), **kw)



MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL



def Year(*, strict: bool = True, **kw) -> fields.Integer:  # noqa: N802
    """A year; strict (no 2025.0) in a JSON body, not in a query string, where all is text."""
    return fields.Integer(strict=strict, validate=validate.Range(min=FIRST_YEAR, max=2100),
                          **kw)


class ProblemSchema(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer(strict=True)
    detail = fields.String()
    code = fields.String(required=True, metadata={"description": "stable machine-readable code"})
    instance = fields.String()
    errors = fields.Dict(metadata={"description": "field errors, by location and field"})
    details = fields.Dict()


# --- auth -------------------------------------------------------------------------


class TokenRequestSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # RFC 6749 §3.2: unrecognised parameters are ignored

    grant_type = fields.String(required=True,
                               validate=validate.OneOf(["client_credentials", "password"]))
    client_id = Text(64)
    client_secret = Text(256)
    username = Text(32, metadata={"description": "the professional's ID number"})
    password = Text(256)
    scope = fields.String(validate=validate.Length(max=256),
                          metadata={"description": "RFC 6749 §3.3; a role's one scope"})


class TokenSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(strict=True, required=True)
    scope = fields.String()


class JwksSchema(Schema):
    keys = fields.List(fields.Dict(), required=True)


# --- bases ------------------------------------------------------------------------


class StandingSchema(Schema):
    on = fields.Date(required=True)
    status = fields.String(required=True)
    good = fields.Boolean(required=True)
    since = fields.Date(allow_none=True)
    rectification_due = fields.Date(allow_none=True)


class ParticularsSchema(Schema):
    """What a base (or an applicant for recognition) is: shared by both."""

    name = Text(200, required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    jurisdiction = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$"))
    host_unit = Text(200, required=True, metadata={"description": "建设单位"})
    supervising_unit = Text(200, required=True, metadata={"description": "管理单位/指导单位"})
    scope_subjects = fields.List(fields.String(validate=validate.OneOf(SUBJECTS)),
                                 load_default=list(SUBJECTS),
                                 validate=validate.Length(min=1, max=2))
    scope_fields = fields.List(Text(100), load_default=list, validate=validate.Length(max=50),
                               metadata={"description": "authorised fields; empty means any"})


class BaseCreateSchema(ParticularsSchema):
    registry_number = fields.String(validate=validate.Length(min=1, max=64), allow_none=True,
                                    load_default=None,
                                    metadata={"description": "unified registry number 统一编号"})


class BaseSchema(Schema):
    id = fields.Integer(strict=True, required=True)
    name = fields.String(required=True)
    level = fields.String(required=True)
    jurisdiction = fields.String(required=True, attribute="jurisdiction_code")
    host_unit = fields.String(required=True)
    supervising_unit = fields.String(required=True)
    registry_number = fields.String(allow_none=True)
    scope_subjects = fields.List(fields.String(), required=True)
    scope_fields = fields.List(fields.String(), required=True)


class PublishedAssessmentSchema(Schema):
    year = fields.Integer(required=True)
    outcome = fields.String(required=True)


class RecordChangeSchema(Schema):
    field = fields.String(required=True)
    old = fields.String(required=True)
    new = fields.String(required=True)
    effective_on = fields.Date(required=True)


class RegistryEntrySchema(BaseSchema):
    contact = fields.String()
    standing = fields.Nested(StandingSchema, required=True)
    assessments = fields.List(fields.Nested(PublishedAssessmentSchema), required=True,
                              metadata={"description": "published assessment results"})
    changes = fields.List(fields.Nested(RecordChangeSchema), required=True,
                          metadata={"description": "changes of name, contact, affiliation"})


class RegistryQuerySchema(Schema):
    on = fields.Date(metadata={"description": "the date to show standing for; today if absent"})
    jurisdiction = fields.String(validate=validate.Regexp(r"^\d{6}$"))


class StandingQuerySchema(Schema):
    on = fields.Date()


class StandingEventCreateSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf([str(t) for t in EventType]))
    effective_on = fields.Date(required=True)
    due_on = fields.Date(allow_none=True, load_default=None)
    void_from = fields.Date(allow_none=True, load_default=None,
                            metadata={"description": "for a revocation: credits from this date "
                                                     "on are void"})
    term_end = fields.Date(allow_none=True, load_default=None,
                           metadata={"description": "for a recognition: its term's last day"})
    misconduct = fields.Boolean(load_default=False, metadata={
        "description": "for a revocation: 乱办班、乱收费、乱发证 (kept as a 失信 record where the "
                       "policy says so)"})
    reason = fields.String(load_default="", validate=validate.Length(max=2000))
    document_number = fields.String(load_default=None, allow_none=True,
                                    validate=validate.Length(min=1, max=100), metadata={
                                        "description": "the decision's 文号; required with "
                                                       "void_from"})
    basis = fields.String(load_default=None, allow_none=True,
                          validate=validate.Length(min=1, max=2000), metadata={
                              "description": "the decision's stated basis; required with "
                                             "void_from"})


class StandingEventSchema(Schema):
    id = fields.Integer(strict=True, required=True)
    base_id = fields.Integer(strict=True, required=True)
    type = fields.String(required=True)
    effective_on = fields.Date(required=True)
    due_on = fields.Date(allow_none=True)
    void_from = fields.Date(allow_none=True)
    term_end = fields.Date(allow_none=True)
    misconduct = fields.Boolean()
    reason = fields.String()
    document_number = fields.String(allow_none=True)
    basis = fields.String(allow_none=True)
    recorded_at = fields.DateTime(required=True)
    recorded_by = fields.Integer(strict=True, allow_none=True,
                                 metadata={"description": "the recording client's id"})
    recorded_by_job = fields.String(allow_none=True)


class ClientCreateSchema(Schema):
    name = Text(200, required=True)


class ClientCredentialsSchema(Schema):
    client_id = fields.String(required=True)
    client_secret = fields.String(required=True)
    role = fields.String(required=True)
    base_id = fields.Integer(strict=True, allow_none=True)
    jurisdiction = fields.String(allow_none=True, attribute="jurisdiction_code")


# --- projects ---------------------------------------------------------------------


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


# --- completions ------------------------------------------------------------------


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


# --- reading ----------------------------------------------------------------------


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


# --- policies ---------------------------------------------------------------------


class CitedValueSchema(Schema):
    value = fields.Raw(required=True)
    document = fields.String()
    source = fields.String()
    article = fields.String(allow_none=True)
    summary = fields.String()


class CitationSchema(Schema):
    document = fields.String()
    source = fields.String()
    article = fields.String(allow_none=True)
    summary = fields.String()


class PolicyProfileSchema(Schema):
    key = fields.String(required=True)
    jurisdiction = fields.String(required=True)
    name = fields.String(required=True)
    version = fields.String(required=True)
    document = fields.String(required=True)
    source = fields.String(required=True)
    effective_from = fields.Date(required=True)
    effective_to = fields.Date(allow_none=True)
    parent = fields.String(allow_none=True)
    draft = fields.Boolean(required=True)
    enabled = fields.Boolean(metadata={
        "description": "false for a draft nobody enabled: it only advises; an operator enables "
                       "one with its in-force date (LEDGER_ENABLED_DRAFTS)"})
    in_force = fields.Boolean(required=True)
    params = fields.Dict(keys=fields.String(), values=fields.Nested(CitedValueSchema))
    rules = fields.Dict(keys=fields.String(), values=fields.Nested(CitationSchema))


class PolicyQuerySchema(Schema):
    on = fields.Date(metadata={"description": "the date to ask about; today if absent"})


class JurisdictionPolicySchema(Schema):
    jurisdiction = fields.String(required=True)
    on = fields.Date(required=True)
    applies = fields.List(fields.Nested(PolicyProfileSchema), required=True, metadata={
        "description": "the profile in force, then the ones it falls back on, in order"})
    history = fields.List(fields.Nested(PolicyProfileSchema), required=True, metadata={
        "description": "every version of this jurisdiction's own profile"})


# --- regulation -------------------------------------------------------------------


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


class ApplicationCreateSchema(ParticularsSchema):
    contact = fields.String(load_default="", validate=validate.Length(max=200))
    holds_level = fields.String(load_default=None, allow_none=True,
                                validate=validate.OneOf(["national", "provincial"]),
                                metadata={"description": "the level of recognition the "
                                                         "applicant already holds"})


class ApplicationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True)
    jurisdiction = fields.String(attribute="jurisdiction_code", required=True)
    host_unit = fields.String(required=True)
    supervising_unit = fields.String(required=True)
    holds_level = fields.String(allow_none=True)
    status = fields.String(required=True)
    submitted_at = fields.DateTime(required=True)
    notice_from = fields.Date(allow_none=True)
    notice_until = fields.Date(allow_none=True)
    steps = fields.List(fields.Dict(), required=True)
    base_id = fields.Integer(allow_none=True)


class ApplicationStepSchema(Schema):
    step = fields.String(required=True, validate=validate.OneOf(
        ["recommend", "decline", "pass_review", "fail_review", "open_notice", "object",
         "close_notice", "recognise"]))
    on = fields.Date(load_default=None, allow_none=True,
                     metadata={"description": "when it happened; today if absent"})
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    fraud = fields.Boolean(load_default=False,
                           metadata={"description": "with fail_review: the applicant cheated"})
    registry_number = fields.String(load_default=None, allow_none=True,
                                    validate=validate.Length(min=1, max=64))
    term_end = fields.Date(load_default=None, allow_none=True)


class PlanItemSchema(ProjectCreateSchema):
    """A project in an annual plan: a filing whose plan year is the plan's."""

    class Meta:
        exclude = ("plan_year",)


class PlanCreateSchema(Schema):
    year = Year(required=True)
    summary = Text(20000, required=True,
                   metadata={"description": "the execution summary of the year before"})
    items = fields.List(fields.Nested(PlanItemSchema), required=True,
                        validate=validate.Length(min=1, max=500))


class PlanSchema(Schema):
    id = fields.Integer(required=True)
    base_id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    summary = fields.String(required=True)
    items = fields.List(fields.Dict(), required=True)
    submitted_at = fields.DateTime(required=True)
    submitted_on = fields.Date(required=True)
    status = fields.String(required=True)
    approved_by = fields.String(allow_none=True)
    filed_at = fields.DateTime(allow_none=True)


class PlanApprovalSchema(Schema):
    approver = Text(200, required=True, metadata={"description": "the supervising unit"})


class AssessmentQuerySchema(Schema):
    year = Year(strict=False, required=True)


class AssessmentCreateSchema(Schema):
    year = Year(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(["pass", "fail"]))
    note = fields.String(load_default="", validate=validate.Length(max=5000))
    publish = fields.Boolean(load_default=False)


class AssessmentFactsSchema(Schema):
    facts = fields.Dict(required=True)


class AssessmentSchema(Schema):
    id = fields.Integer(required=True)
    base_id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    outcome = fields.String(required=True)
    note = fields.String()
    facts = fields.Dict(required=True)
    published = fields.Boolean(required=True)
    recorded_at = fields.DateTime(required=True)


class ChangeCreateSchema(Schema):
    field = fields.String(required=True, validate=validate.OneOf(
        ["name", "contact", "host_unit", "supervising_unit"]))
    new = Text(200, required=True)
    effective_on = fields.Date(required=True)


class ChangeSchema(Schema):
    id = fields.Integer(required=True)
    field = fields.String(required=True)
    old = fields.String(required=True)
    new = fields.String(required=True)
    effective_on = fields.Date(required=True)
    recorded_at = fields.DateTime(required=True)


class ReminderSchema(Schema):
    kind = fields.String(required=True)
    deadline = fields.Date(required=True)
    message = fields.String(required=True)
    created_at = fields.DateTime(required=True)


# --- scope grants (常州 第四条 培训权限) ------------------------------------------------


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
