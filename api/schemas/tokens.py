"""Schemas of OAuth 2.0 client-credentials tokens and the JWKS (api/tokens.py)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from .common import Text


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
