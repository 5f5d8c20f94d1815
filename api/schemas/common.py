"""Shared fields, validators and the problem schema of every resource's schemas.

The schemas are the source of openapi.yaml; component names come from class names.
"""
from __future__ import annotations

import re
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate

from ledger.services.reading import FIRST_YEAR

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
