"""Tokens: short-lived EdDSA JWTs issued for client credentials or a professional's
password, verified with a pinned algorithm and required claims; keys at the JWKS.

The signing key is generated on first run into a file outside the database
(``JWT_KEY_PATH``, mode 0600).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, current_app, g, request
from jwt.algorithms import OKPAlgorithm

from ledger.actors import Actor, Role
from ledger.errors import Unauthorized
from ledger.services.clients import actor_for_client, actor_for_professional
from ledger.services.keyset import KeySet
from ledger.store import Client, Professional

from .db import db, ledger_context

ALGORITHM = "EdDSA"
ACCESS_TYP = "at+jwt"  # RFC 9068
ATTESTATION_TYP = "verification+jwt"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]


class SigningKey:
    def __init__(self, path: Path):
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise RuntimeError(f"{path} does not hold an Ed25519 private key")
        else:
            key = Ed25519PrivateKey.generate()
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
        self.private = key
        self.public = key.public_key()
        public_jwk = json.loads(OKPAlgorithm.to_jwk(self.public))
        # RFC 7638 thumbprint as the kid: stable for the key, changes when it rotates.
        canonical = json.dumps({k: public_jwk[k] for k in ("crv", "kty", "x")},
                               separators=(",", ":"), sort_keys=True)
        self.kid = base64.urlsafe_b64encode(
            hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
        self.jwk = {**public_jwk, "kid": self.kid, "use": "sig", "alg": ALGORITHM}


def _key() -> SigningKey:
    return current_app.extensions["ledger_signing_key"]


def issue_token(actor: Actor) -> tuple[str, int]:
    now = ledger_context().now()
    ttl = int(current_app.config["JWT_TTL_SECONDS"])
    claims: dict[str, Any] = {
        "iss": current_app.config["JWT_ISSUER"],
        "aud": current_app.config["JWT_AUDIENCE"],
        "sub": actor.subject,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl)).timestamp()),
        "jti": secrets.token_urlsafe(12),
        "role": str(actor.role),
    }
    token = jwt.encode(claims, _key().private, algorithm=ALGORITHM,
                       headers={"kid": _key().kid, "typ": ACCESS_TYP})
    return token, ttl


def sign_attestation(payload: dict[str, Any]) -> str:
    now = ledger_context().now()
    claims = {"iss": current_app.config["JWT_ISSUER"], "iat": int(now.timestamp()), **payload}
    return jwt.encode(claims, _key().private, algorithm=ALGORITHM,
                      headers={"kid": _key().kid, "typ": ATTESTATION_TYP})


def verify_token(token: str) -> Actor:
    """The actor a valid access token speaks for; Unauthorized for anything else."""
    key = _key()
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
        now = ledger_context().now().timestamp()
        leeway = current_app.config["JWT_LEEWAY_SECONDS"]
        if not isinstance(claims["exp"], int) or not isinstance(claims["iat"], int):
            raise Unauthorized("exp and iat must be integers", code="token_invalid")
        if claims["exp"] <= now - leeway:
            raise Unauthorized("the token has expired", code="token_expired")
        if claims["iat"] > now + leeway or claims.get("nbf", 0) > now + leeway:
            raise Unauthorized("the token is not valid yet", code="token_invalid")
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"the token is not valid: {exc}", code="token_invalid") from exc
    return _actor_for(claims)


def _actor_for(claims: dict[str, Any]) -> Actor:
    """Re-read the client, so a disabled client's tokens stop working at once."""
    sub, role = claims["sub"], claims.get("role")
    if role == Role.PROFESSIONAL and sub.startswith("professional-"):
        person = db.session.get(Professional, int(sub.removeprefix("professional-")))
        if person is not None:
            return actor_for_professional(person)
    else:
        client = db.session.query(Client).filter_by(client_id=sub).one_or_none()
        if client is not None and not client.disabled and client.role == role:
            return actor_for_client(client)
    raise Unauthorized("the token's subject is unknown or disabled", code="token_invalid")


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
        return view(*args, **kwargs)

    return wrapper


def init_app(app: Flask) -> None:
    # The key set first: it creates the key file on first run (and knows retired keys).
    origin = app.config.get("LOG_ORIGIN") or urlparse(app.config["JWT_ISSUER"]).netloc + "/log"
    app.extensions["ledger_keyset"] = KeySet(Path(app.config["JWT_KEY_PATH"]), origin)
    app.extensions["ledger_signing_key"] = SigningKey(Path(app.config["JWT_KEY_PATH"]))
