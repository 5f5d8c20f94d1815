"""Schemas of policy profiles and jurisdiction policies (api/policies.py)."""

from __future__ import annotations

from marshmallow import Schema, fields


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
