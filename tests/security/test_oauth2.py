"""Issue 10 item 8: OAuth 2.0 as clients expect it (RFC 6749, 6750, 9068)."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote_plus

import jwt
import pytest

from ledger.actors import Role
from ledger.services import clients, reading

TOKEN = "/v1/auth/token"
PENDING = "/v1/filings/pending"


@pytest.fixture
def regulator_credentials(world):
    client, secret = clients.create_client(world.ctx, role=Role.REGULATOR, name="reg",
                                           jurisdiction="370300")
    return client.client_id, secret


def basic(client_id: str, secret: str) -> dict:
    pair = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def assert_oauth_error(response, status: int, error: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == error
    assert isinstance(body["error_description"], str) and body["error_description"]
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("form, status, error", [
    ({"grant_type": "client_credentials", "client_id": "regulator-nope",
      "client_secret": "x"}, 401, "invalid_client"),
    ({"grant_type": "client_credentials"}, 401, "invalid_client"),
    ({"grant_type": "password", "username": "370303199001011239", "password": "x"},
     400, "invalid_grant"),
    ({"grant_type": "password"}, 400, "invalid_request"),
    ({"grant_type": "authorization_code", "code": "x"}, 400, "unsupported_grant_type"),
    ({}, 400, "invalid_request"),
], ids=["unknown client", "no credentials", "wrong password", "no username",
        "unsupported grant", "no grant type"])
def test_token_errors_have_the_rfc_6749_shape_and_status(world, form, status, error):
    assert_oauth_error(world.call("POST", TOKEN, data=form), status, error)


def test_a_client_authenticates_with_http_basic_and_gets_no_store_and_client_id(
        world, regulator_credentials):
    client_id, secret = regulator_credentials

    response = world.call("POST", TOKEN, data={"grant_type": "client_credentials"},
                          headers=basic(client_id, secret))

    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["client_id"] == client_id and claims["scope"] == "regulator"
    assert body["scope"] == "regulator"
    assert world.call("GET", PENDING, body["access_token"]).status_code == 200


def test_wrong_basic_credentials_are_401_with_a_basic_challenge(world, regulator_credentials):
    client_id, _ = regulator_credentials

    response = world.call("POST", TOKEN, data={"grant_type": "client_credentials"},
                          headers=basic(client_id, "wrong"))

    assert_oauth_error(response, 401, "invalid_client")
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_two_ways_of_client_authentication_at_once_are_refused(world, regulator_credentials):
    client_id, secret = regulator_credentials

    response = world.call("POST", TOKEN, headers=basic(client_id, secret), data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})

    assert_oauth_error(response, 400, "invalid_request")


def test_scope_is_accepted_and_a_foreign_scope_is_invalid_scope(world, regulator_credentials):
    client_id, secret = regulator_credentials
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}

    assert world.call("POST", TOKEN, data={**form, "scope": "regulator"}).status_code == 200
    assert_oauth_error(world.call("POST", TOKEN, data={**form, "scope": "regulator base"}),
                       400, "invalid_scope")


def test_a_professionals_token_names_the_public_login_client(world):
    response = world.call("POST", TOKEN, data={
        "grant_type": "password", "username": world.person_id, "password": "correct-horse",
        "scope": "professional"})

    assert response.status_code == 200
    claims = jwt.decode(response.get_json()["access_token"], options={"verify_signature": False})
    assert claims["client_id"] == "ledger-login" and claims["sub"].startswith("professional-")


def test_no_token_sent_gets_a_challenge_without_an_error(world):
    response = world.call("GET", PENDING)

    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer realm=") and "error=" not in challenge


def test_a_bad_token_gets_invalid_token_and_no_library_message(world):
    token = world.bearer(world.regulator)
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")

    response = world.call("GET", PENDING, tampered)

    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    text = json.dumps(response.get_json()).lower()
    assert "signature" not in text and "verification" not in text


def test_a_password_reset_ends_the_tokens_issued_before(world):
    before = world.call("POST", TOKEN, data={
        "grant_type": "password", "username": world.person_id, "password": "correct-horse"}
    ).get_json()["access_token"]
    assert world.call("GET", "/v1/me/hours", before).status_code == 200

    reading.register_professional(world.ctx, world.regulator, world.person_id,
                                  world.person_name, "370303", "battery-staple")

    assert world.call("GET", "/v1/me/hours", before).status_code == 401
    after = world.call("POST", TOKEN, data={
        "grant_type": "password", "username": world.person_id, "password": "battery-staple"})
    assert world.call("GET", "/v1/me/hours", after.get_json()["access_token"]).status_code == 200


def test_disabling_a_client_ends_its_tokens_and_rotation_ends_the_old_secret(
        world, runner, regulator_credentials):
    client_id, secret = regulator_credentials
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    token = world.call("POST", TOKEN, data=form).get_json()["access_token"]

    rotated = runner.invoke(args=["ledger", "rotate-client-secret", client_id])
    assert rotated.exit_code == 0, rotated.output
    new_secret = json.loads(rotated.output)["client_secret"]
    assert world.call("GET", PENDING, token).status_code == 401
    assert_oauth_error(world.call("POST", TOKEN, data=form), 401, "invalid_client")
    fresh = world.call("POST", TOKEN, data={**form, "client_secret": new_secret})
    fresh_token = fresh.get_json()["access_token"]
    assert world.call("GET", PENDING, fresh_token).status_code == 200

    disabled = runner.invoke(args=["ledger", "disable-client", client_id])
    assert disabled.exit_code == 0, disabled.output
    assert world.call("GET", PENDING, fresh_token).status_code == 401
    assert_oauth_error(world.call("POST", TOKEN, data={**form, "client_secret": new_secret}),
                       401, "invalid_client")
