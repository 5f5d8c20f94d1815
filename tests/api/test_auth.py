"""Tokens: issued for credentials, verified strictly, refused with 401 problem+json."""

from __future__ import annotations

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.actors import Role
from ledger.services import clients


def credentials(world, role=Role.REGULATOR, jurisdiction="370300"):
    client, secret = clients.create_client(world.ctx, role=role, name="test",
                                           jurisdiction=jurisdiction)
    return client.client_id, secret


def test_client_credentials_give_a_short_lived_eddsa_token_with_a_kid(world):
    client_id, secret = credentials(world)

    response = world.call("POST", "/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})

    assert response.status_code == 200, response.get_json()
    token = response.get_json()["access_token"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA" and header["typ"] == "at+jwt"
    jwks = world.call("GET", "/.well-known/jwks.json").get_json()
    assert header["kid"] == jwks["keys"][0]["kid"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 900
    assert world.call("GET", "/v1/filings/pending", token).status_code == 200


def test_a_wrong_secret_is_401_invalid_client_as_rfc_6749_says(world):
    client_id, _ = credentials(world)

    response = world.call("POST", "/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": "nope"})

    assert response.status_code == 401
    assert response.mimetype == "application/json"
    assert response.get_json()["error"] == "invalid_client"


def test_a_professional_logs_in_with_id_number_and_password(world):
    response = world.call("POST", "/v1/auth/token", data={
        "grant_type": "password", "username": world.person_id.lower(),
        "password": "correct-horse"})

    assert response.status_code == 200
    token = response.get_json()["access_token"]
    assert world.call("GET", "/v1/me/hours", token).status_code == 200
    wrong = world.call("POST", "/v1/auth/token", data={
        "grant_type": "password", "username": world.person_id, "password": "wrong-horse"})
    assert wrong.get_json()["code"] == "invalid_grant"


def test_secrets_are_stored_hashed(world):
    client_id, secret = credentials(world)
    from ledger.store import Client

    stored = world.ctx.session.query(Client).filter_by(client_id=client_id).one()
    assert secret not in stored.secret_hash
    assert stored.secret_hash.startswith("$argon2id$")


def _claims(world, **changes):
    now = int(world.clock.now().timestamp())
    claims = {"iss": world.app.config["JWT_ISSUER"], "aud": world.app.config["JWT_AUDIENCE"],
              "sub": world.regulator.subject, "iat": now, "exp": now + 600,
              "role": "regulator"}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _signed(world, claims, headers=None, key=None, algorithm="EdDSA"):
    signing = world.app.extensions["ledger_keyset"]
    header = {"kid": signing.kid, "typ": "at+jwt", **(headers or {})}
    return jwt.encode(claims, key or signing.private, algorithm=algorithm, headers=header)


FORGERIES = {
    "missing exp": lambda w: _signed(w, _claims(w, exp=None)),
    "missing iat": lambda w: _signed(w, _claims(w, iat=None)),
    "missing iss": lambda w: _signed(w, _claims(w, iss=None)),
    "missing aud": lambda w: _signed(w, _claims(w, aud=None)),
    "missing sub": lambda w: _signed(w, _claims(w, sub=None)),
    "wrong issuer": lambda w: _signed(w, _claims(w, iss="https://evil.example")),
    "wrong audience": lambda w: _signed(w, _claims(w, aud="another-api")),
    "expired": lambda w: _signed(w, _claims(w, exp=int(w.clock.now().timestamp()) - 3600)),
    "issued in the future": lambda w: _signed(
        w, _claims(w, iat=int(w.clock.now().timestamp()) + 3600)),
    "no typ": lambda w: _signed(w, _claims(w), headers={"typ": None}),
    "id token typ": lambda w: _signed(w, _claims(w), headers={"typ": "JWT"}),
    "other key": lambda w: _signed(w, _claims(w), key=Ed25519PrivateKey.generate()),
    "hmac with the public jwk": lambda w: _signed(
        w, _claims(w), key=b"x" * 32, algorithm="HS256"),
    "alg none": lambda w: jwt.encode(_claims(w), None, algorithm="none",
                                     headers={"typ": "at+jwt"}),
    "unknown subject": lambda w: _signed(w, _claims(w, sub="regulator-doesnotexist")),
    "role escalation": lambda w: _signed(w, _claims(w, sub=w.base.subject, role="regulator")),
    "garbage": lambda w: "not.a.token",
}


@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_token_that_breaks_any_rule_is_401(world, forgery):
    response = world.call("GET", "/v1/filings/pending", forgery(world))

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] in {"token_invalid", "token_expired"}


def test_a_well_formed_token_is_accepted_so_the_forgeries_fail_for_their_reason(world):
    assert world.call("GET", "/v1/filings/pending", _signed(world, _claims(world))
                      ).status_code == 200


def test_no_token_is_401_with_a_bearer_challenge(world):
    response = world.call("GET", "/v1/filings/pending")

    assert response.status_code == 401
    assert response.get_json()["code"] == "token_missing"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_tokens_expire_on_the_ledgers_clock(world):
    token = world.bearer(world.regulator)
    world.clock.advance(minutes=16)

    assert world.call("GET", "/v1/filings/pending", token).get_json()["code"] == "token_expired"


def test_the_signing_key_is_made_once_and_kept_outside_the_database(app):
    path = app.config["JWT_KEY_PATH"]
    assert oct(__import__("os").stat(path).st_mode & 0o777) == "0o600"
    assert "sqlite" not in path and "postgres" not in path


def test_create_client_cli_prints_credentials_as_json(runner, world):
    import json

    result = runner.invoke(args=["ledger", "create-client", "--role", "committee",
                                 "--name", "评委会", "--jurisdiction", "370300"])

    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["client_id"].startswith("committee-") and printed["client_secret"]
    token = world.call("POST", "/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": printed["client_id"],
        "client_secret": printed["client_secret"]})
    assert token.status_code == 200


