"""Tokens: short-lived EdDSA JWTs issued for client credentials or a professional's
password, verified with a pinned algorithm and required claims; keys at the JWKS.

The signing key is generated on first run into a file outside the database
(``JWT_KEY_PATH``, mode 0600).
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jwt
from flask import Flask, current_app, g, request
from sqlalchemy import bindparam, select

from ledger.actors import Actor, Role
from ledger.errors import Unauthorized
from ledger.services.clients import (
    actor_for_client,
    actor_for_professional,
    credentials_version,
)
from ledger.services.keyset import KeySet
from ledger.store import Client, Professional
from ledger.text import problem as text_problem

from .db import db, ledger_context
from .ratelimit import limit_subject
from .schemas import MAX_ID
from .token_cache import DEFAULT_SIZE, DEFAULT_TTL, VerifiedTokens

log = logging.getLogger(__name__)

ALGORITHM = "EdDSA"
ACCESS_TYP = "at+jwt"  # RFC 9068
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]


def _key() -> KeySet:
    """The key set's current key signs tokens, so a rotation moves them too."""
    return current_app.extensions["ledger_keyset"]


def issue_token(actor: Actor, *, client_id: str | None = None) -> tuple[str, int]:
    """A signed access token for ``actor`` (RFC 9068 claims), and its lifetime in seconds.

    ``client_id`` is the OAuth client that asked: the client itself for client
    credentials, the public login client for a professional's password.
    """
    now = ledger_context().now()
    ttl = int(current_app.config["JWT_TTL_SECONDS"])
    claims: dict[str, Any] = {
        "iss": current_app.config["JWT_ISSUER"],
        "aud": current_app.config["JWT_AUDIENCE"],
        "sub": actor.subject,
        "client_id": client_id or (current_app.config.get("PUBLIC_CLIENT_ID", "ledger-login")
                                   if actor.role is Role.PROFESSIONAL else actor.subject),
        "scope": scope_for(actor.role),
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl)).timestamp()),
        "jti": secrets.token_urlsafe(12),
        "role": str(actor.role),
        # The credentials' version: a password reset, a secret rotation or a disabling
        # bumps it, and every token issued before stops working.
        "ver": credentials_version(ledger_context(), actor),
    }
    token = jwt.encode(claims, _key().private, algorithm=ALGORITHM,
                       headers={"kid": _key().kid, "typ": ACCESS_TYP})
    return token, ttl


def scope_for(role: Role) -> str:
    """The one scope a role's tokens carry (RFC 6749 §3.3): the role's name."""
    return str(role)


INVALID = "the access token is not valid"


def verify_token(token: str) -> Actor:
    """The actor a valid access token speaks for; Unauthorized for anything else.

    The 401's message never echoes the JWT library's (it would tell a forger which
    check failed); the reason is logged instead.
    """
    key = _key()
    cache: VerifiedTokens | None = current_app.extensions.get("ledger_verified_tokens")
    claims = cache.get(token, key.kid) if cache is not None else None
    if claims is None:
        claims = _verified_claims(token, key)
        _check_claims(claims)
        if cache is not None:
            cache.put(token, key.kid, claims)
    else:
        # Expiry and the claims' shape again: the clock moves while a verdict is cached.
        _check_claims(claims)
    return _actor_for(claims)


def _verified_claims(token: str, key: KeySet) -> dict[str, Any]:
    """The claims of a token signed by ``key``, checked for issuer, audience, algorithm."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM or header.get("typ") != ACCESS_TYP:
            raise Unauthorized("the token's type or algorithm is not accepted",
                               code="token_invalid")
        if header.get("kid") != key.kid:
            raise Unauthorized("the token was signed with an unknown key", code="token_invalid")
        claims = jwt.decode(
            token, key.public, algorithms=[ALGORITHM],
            audience=current_app.config["JWT_AUDIENCE"], issuer=current_app.config["JWT_ISSUER"],
            # Times are checked below against the ledger's clock, not the wall clock, so
            # a simulated clock in tests and jobs sees tokens expire as production would.
            options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_nbf": False,
                     "verify_iat": False},
        )
    except jwt.PyJWTError as exc:
        log.info("access token refused: %s", exc)
        raise Unauthorized(INVALID, code="token_invalid") from exc
    return claims


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_claims(claims: dict[str, Any]) -> None:
    """Every claim the ledger reads has its type, whatever a validly signed token says."""
    times = [claims["exp"], claims["iat"], claims.get("nbf", 0)]
    if not all(_is_int(t) and abs(t) < 2**53 for t in times):
        raise Unauthorized("exp, iat and nbf must be integers", code="token_invalid")
    if not (isinstance(claims["sub"], str) and isinstance(claims.get("role"), str)
            and _is_int(claims.get("ver", 0)) and text_problem(claims["sub"]) is None):
        raise Unauthorized(INVALID, code="token_invalid")
    now = ledger_context().now().timestamp()
    leeway = current_app.config["JWT_LEEWAY_SECONDS"]
    if claims["exp"] <= now - leeway:
        raise Unauthorized("the token has expired", code="token_expired")
    if claims["iat"] > now + leeway or claims.get("nbf", 0) > now + leeway:
        raise Unauthorized("the token is not valid yet", code="token_invalid")


_clients, _people = Client.__table__.c, Professional.__table__.c
_CLIENT = select(_clients.id, _clients.client_id, _clients.role, _clients.name,
                 _clients.jurisdiction_code, _clients.base_id, _clients.disabled,
                 _clients.credentials_version).where(_clients.client_id == bindparam("sub"))
_PROFESSIONAL = select(_people.id, _people.name, _people.jurisdiction_code,
                       _people.credentials_version).where(_people.id == bindparam("pk"))

PROFESSIONAL_SUB = re.compile(r"professional-([1-9][0-9]{0,9})")


def _actor_for(claims: dict[str, Any]) -> Actor:
    """Re-read the subject, so a disabled client's tokens, and tokens issued before a
    password reset or a secret rotation, stop working at once."""
    sub, role, version = claims["sub"], claims["role"], claims.get("ver", 0)
    match = PROFESSIONAL_SUB.fullmatch(sub)
    # One indexed read of the columns an Actor needs, as a Core row: every request pays
    # it, so no ORM identity map, no Query, no entity built.
    if role == Role.PROFESSIONAL and match and int(match[1]) <= MAX_ID:
        person = db.session.execute(_PROFESSIONAL, {"pk": int(match[1])}).first()
        if person is not None and (person.credentials_version or 0) == version:
            return actor_for_professional(person)  # type: ignore[arg-type]
    elif role != Role.PROFESSIONAL and len(sub) <= 64:
        client = db.session.execute(_CLIENT, {"sub": sub}).first()
        if (client is not None and not client.disabled and client.role == role
                and (client.credentials_version or 0) == version):
            return actor_for_client(client)  # type: ignore[arg-type]
    raise Unauthorized("the token's subject is unknown, disabled or its credentials changed",
                       code="token_invalid")


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send an access token: Authorization: Bearer <token>",
                           code="token_missing")
    return token.strip()


def authenticated(view):
    """Run the view with ``g.actor`` set from a valid bearer token."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.actor = verify_token(bearer_token())
        limit_subject(g.actor.subject)
        return view(*args, **kwargs)

    return wrapper


def init_app(app: Flask) -> None:
    # The key set first: it creates the key file on first run (and knows retired keys).
    origin = app.config.get("LOG_ORIGIN") or urlparse(app.config["JWT_ISSUER"]).netloc + "/log"
    keys = KeySet(Path(app.config["JWT_KEY_PATH"]), origin)
    app.extensions["ledger_keyset"] = keys
    # Per app: its issuer, audience and keys are its own (tests build many apps).
    size = int(app.config.setdefault("TOKEN_CACHE_SIZE", DEFAULT_SIZE))
    app.extensions["ledger_verified_tokens"] = VerifiedTokens(
        size, float(app.config.setdefault("TOKEN_CACHE_TTL_SECONDS", DEFAULT_TTL))
    ) if size > 0 else None
