"""Schemas of bases, their registry entries, standing events and clients (api/bases.py)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ledger.services.bases import LEVELS
from ledger.standing import EventType

from .common import SUBJECTS, Text


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
