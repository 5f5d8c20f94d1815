"""Schemas of the Merkle log's public API and of attestations (part of openapi.yaml)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .reading import (
    HoursSchema,
    VerificationReportSchema,
    VerificationRequestSchema,
    YearsQuerySchema,
)

HEX64 = validate.Regexp(r"^[0-9a-f]{64}$")
MAX_SIZE = 2**31 - 1


class CheckpointRefSchema(Schema):
    size = fields.Integer(strict=True, required=True)
    root_hash = fields.String(required=True, allow_none=True)
    time = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})


class CheckpointSchema(Schema):
    size = fields.Integer(strict=True, required=True)
    root_hash = fields.String(required=True)
    sealed_at = fields.DateTime(required=True)
    kid = fields.String(required=True)
    note = fields.String(required=True, metadata={
        "description": "the C2SP signed-note checkpoint (tlog-checkpoint), Ed25519"})


class CheckpointsQuerySchema(Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_SIZE))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class LeafSchema(Schema):
    index = fields.Integer(strict=True, required=True, attribute="idx")
    kind = fields.String(required=True)
    data = fields.String(required=True, metadata={"description": "the canonical leaf data"})
    leaf_hash = fields.String(required=True)


class InclusionQuerySchema(Schema):
    index = fields.Integer(required=True, validate=validate.Range(min=0, max=MAX_SIZE))
    size = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_SIZE))


class InclusionProofSchema(Schema):
    index = fields.Integer(strict=True, required=True)
    tree_size = fields.Integer(strict=True, required=True)
    root_hash = fields.String(required=True)
    leaf_hash = fields.String(required=True)
    leaf_data = fields.String(allow_none=True)
    path = fields.List(fields.String(), required=True)


class ConsistencyQuerySchema(Schema):
    first = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_SIZE))
    second = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_SIZE))


class ConsistencyProofSchema(Schema):
    first = fields.Integer(strict=True, required=True)
    second = fields.Integer(strict=True, required=True)
    first_root = fields.String(required=True)
    second_root = fields.String(required=True)
    path = fields.List(fields.String(), required=True)


class AttestedReportSchema(VerificationReportSchema):
    checkpoint = fields.Nested(CheckpointRefSchema, required=True)


class AttestedVerificationSchema(Schema):
    report = fields.Nested(AttestedReportSchema, required=True)
    attestation = fields.String(required=True, metadata={
        "description": "a JWS (EdDSA, kid; claims format 2) with the totals, the "
                       "checkpoint, every entry of the professional's chain and the "
                       "inclusion proof of its head; check it with the JWKS alone"})
    verification_code = fields.String(required=True)
    checkpoint = fields.Nested(CheckpointRefSchema, required=True)


class AttestedYearSchema(Schema):
    year = fields.Integer(strict=True)
    public = fields.String()
    professional = fields.String()
    total = fields.String()


class ReversedSchema(Schema):
    entry_id = fields.Integer(strict=True)
    hours = fields.Decimal(as_string=True)
    year = fields.Integer(strict=True)
    reason = fields.String()
    at = fields.DateTime()


class AttestationCheckSchema(Schema):
    code = fields.String(required=True)
    genuine = fields.Boolean(required=True)
    still_true = fields.Boolean(required=True)
    issued_at = fields.DateTime(required=True)
    professional = fields.Dict(required=True)
    years = fields.List(fields.Nested(AttestedYearSchema), required=True)
    checkpoint = fields.Nested(CheckpointRefSchema, required=True)
    reversed_since = fields.List(fields.Nested(ReversedSchema), required=True)


AS_OF = {"description": "a checkpoint's tree size, or an ISO 8601 time with its zone (the "
                        "last checkpoint sealed by then): answer as the ledger stood there",
         "example": "2026-03-11T09:00:00+08:00"}


class AsOfYearsQuerySchema(YearsQuerySchema):
    as_of = fields.String(validate=validate.Length(min=1, max=40), metadata=AS_OF)


class HoursAsOfSchema(HoursSchema):
    as_of = fields.Nested(CheckpointRefSchema, metadata={
        "description": "the checkpoint the answer rests on (only with as_of)"})


class VerificationAsOfRequestSchema(VerificationRequestSchema):
    as_of = fields.String(load_default=None, allow_none=True,
                          validate=validate.Length(min=1, max=40), metadata=AS_OF)
