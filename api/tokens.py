"""The token endpoint, as OAuth 2.0 clients expect it (RFC 6749 §4.4, §4.3, §5), and the
public keys.

Client credentials come in the form or with HTTP Basic (§2.3.1), never both. Errors are
``{"error", "error_description"}`` with §5.2's codes and statuses; every answer carries
``Cache-Control: no-store``.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote_plus

from flask import Response, current_app, json, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import HTTPException

from ledger.actors import Role
from ledger.errors import LedgerError
from ledger.services.clients import authenticate_client, authenticate_professional

from .auth import issue_token, scope_for
from .db import ledger_context
from .docs import errors
from .errors import REALM
from .ratelimit import token_per_address, token_per_client
from .schemas import JwksSchema, TokenRequestSchema, TokenSchema

blp = Blueprint("auth", __name__, description="Access tokens and signing keys")

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
TOKEN_ENDPOINT = "auth.token"


class OAuthErrorSchema(Schema):
    error = fields.String(required=True, validate=validate.OneOf([
        "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
        "unsupported_grant_type", "invalid_scope"]))
    error_description = fields.String(required=True)
    code = fields.String(required=True, metadata={"description": "the same as error"})


class OAuthError(Exception):
    """An RFC 6749 §5.2 error: its code, its description and its HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400,
                 headers: dict | None = None):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status
        self.headers = headers or {}


@blp.route("/v1/auth/token", methods=["POST"])
@token_per_address
@token_per_client
@blp.arguments(TokenRequestSchema, location="form")
@blp.response(200, TokenSchema)
@blp.alt_response(400, schema=OAuthErrorSchema, content_type="application/json",
                  description="RFC 6749 §5.2: invalid_request, invalid_grant, "
                              "unsupported_grant_type or invalid_scope")
@blp.alt_response(401, schema=OAuthErrorSchema, content_type="application/json",
                  description="RFC 6749 §5.2: invalid_client")
@errors(blp, 413, 429)
def token(form):
    """Issue an access token for client credentials or a professional's password"""
    ctx = ledger_context()
    if form["grant_type"] == "client_credentials":
        client_id, secret = _client_credentials(form)
        try:
            actor = authenticate_client(ctx, client_id, secret)
        except LedgerError as exc:
            raise OAuthError("invalid_client", "unknown client or wrong secret", 401,
                             {"WWW-Authenticate": f'Basic realm="{REALM}"'}) from exc
    else:
        if not form.get("username") or not form.get("password"):
            raise OAuthError("invalid_request", "the password grant needs username and password")
        try:
            actor = authenticate_professional(ctx, form["username"], form["password"])
        except LedgerError as exc:
            retry = exc.details.get("retry_after")
            raise OAuthError("invalid_grant", exc.message, 400,
                             {"Retry-After": str(retry)} if retry else None) from exc
    granted = scope_for(actor.role)
    requested = set(form.get("scope", "").split())
    if requested - {granted}:
        raise OAuthError("invalid_scope", f"this client may ask only for the scope {granted!r}")
    access_token, ttl = issue_token(actor, client_id=None if actor.role is Role.PROFESSIONAL
                                    else actor.subject)
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": ttl,
            "scope": granted}


def _client_credentials(form: dict) -> tuple[str, str]:
    """The client's id and secret, from HTTP Basic or the form (RFC 6749 §2.3.1)."""
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        if not form.get("client_id") or not form.get("client_secret"):
            raise OAuthError("invalid_client", "send the client's id and secret", 401,
                             {"WWW-Authenticate": f'Basic realm="{REALM}"'})
        return form["client_id"], form["client_secret"]
    if form.get("client_secret"):
        raise OAuthError("invalid_request", "authenticate the client one way, not two")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            raise ValueError("no colon")
    except (ValueError, binascii.Error) as exc:
        raise OAuthError("invalid_client", "malformed HTTP Basic credentials", 401,
                         {"WWW-Authenticate": f'Basic realm="{REALM}"'}) from exc
    client_id, secret = unquote_plus(client_id), unquote_plus(secret)
    if form.get("client_id") and form["client_id"] != client_id:
        raise OAuthError("invalid_request", "client_id differs from the Basic credentials")
    return client_id, secret


def _oauth_response(error: OAuthError) -> Response:
    body = {"error": error.error, "error_description": error.description,
            "code": error.error}
    response = Response(json.dumps(body, ensure_ascii=False), status=error.status,
                        mimetype="application/json")
    response.headers.update({**NO_STORE, **error.headers})
    return response


@blp.errorhandler(OAuthError)
def _on_oauth_error(error: OAuthError) -> Response:
    return _oauth_response(error)


@blp.errorhandler(HTTPException)
def _on_http_error(error: HTTPException):
    """The form failing its schema is an RFC 6749 invalid_request (or an unsupported
    grant type); anything else (413, 429, ...) answers as every endpoint does."""
    if request.endpoint == TOKEN_ENDPOINT and error.code in (400, 422):
        messages = (getattr(error, "data", None) or {}).get("messages") or {}
        fields = set(messages.get("form") or {})
        if fields == {"grant_type"} and request.form.get("grant_type"):
            return _oauth_response(OAuthError("unsupported_grant_type",
                                              "use client_credentials or password"))
        described = ", ".join(sorted(fields)) or "the form"
        return _oauth_response(OAuthError("invalid_request", f"check {described}"))
    return current_app.extensions["ledger_api"].handle_http_exception(error)


@blp.after_request
def _no_store(response: Response) -> Response:
    # RFC 6749 §5.1: a response holding a token, or about credentials, is never cached.
    if request.endpoint == TOKEN_ENDPOINT:
        response.headers.update(NO_STORE)
    return response


@blp.route("/.well-known/jwks.json", methods=["GET"])
@blp.response(200, JwksSchema)
def jwks():
    """The public keys that sign access tokens and verification attestations"""
    # Retired keys stay published, so what they signed still verifies (flask ledger rotate-key).
    return current_app.extensions["ledger_keyset"].jwks()
