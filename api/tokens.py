"""Token endpoint and the public keys."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from ledger.services.clients import authenticate_client, authenticate_professional

from .auth import issue_token
from .db import ledger_context
from .docs import errors
from .schemas import JwksSchema, TokenRequestSchema, TokenSchema

blp = Blueprint("auth", __name__, description="Access tokens and signing keys")


@blp.route("/v1/auth/token", methods=["POST"])
@blp.arguments(TokenRequestSchema, location="form")
@blp.response(200, TokenSchema)
@errors(blp, 400, 401)
def token(form):
    """Issue an access token for client credentials or a professional's password"""
    ctx = ledger_context()
    # A grant without its credentials fails authentication like a wrong secret (RFC 6749
    # §5.2 invalid_client / invalid_grant), rather than as a malformed request.
    if form["grant_type"] == "client_credentials":
        actor = authenticate_client(ctx, form.get("client_id", ""), form.get("client_secret", ""))
    else:
        actor = authenticate_professional(ctx, form.get("username", ""), form.get("password", ""))
    access_token, ttl = issue_token(actor)
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": ttl}


@blp.route("/.well-known/jwks.json", methods=["GET"])
@blp.response(200, JwksSchema)
def jwks():
    """The public keys that sign access tokens and verification attestations"""
    # Retired keys stay published, so what they signed still verifies (flask ledger rotate-key).
    return current_app.extensions["ledger_keyset"].jwks()
