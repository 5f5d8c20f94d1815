"""Issue 12 item 3: a verified token is cached per worker, and revocation still holds at
once: the credentials version is read on every request, cached verdict or not."""

from __future__ import annotations

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import update

from api import auth
from api.db import db
from api.token_cache import VerifiedTokens
from ledger.services import reading
from ledger.store import Client, Professional

PENDING = "/v1/filings/pending"


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def decodes(monkeypatch):
    """How many tokens were cryptographically verified."""
    seen: list[str] = []
    real = jwt.decode

    def counting(token, *args, **kwargs):
        seen.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(auth.jwt, "decode", counting)
    return seen


def cache(app) -> VerifiedTokens:
    return app.extensions["ledger_verified_tokens"]


def test_a_token_is_verified_once_then_served_from_the_cache(world, decodes):
    token = world.bearer(world.regulator)
    for _ in range(3):
        assert world.call("GET", PENDING, token).status_code == 200
    assert decodes == [token]
    assert cache(world.app).get(token, world.app.extensions["ledger_keyset"].kid) is not None


def test_a_bumped_credentials_version_refuses_a_cached_token_at_once(world, decodes):
    """As another worker's rotation would: a row changed behind this process's back."""
    token = world.bearer(world.regulator)
    assert world.call("GET", PENDING, token).status_code == 200
    db.session.execute(update(Client).where(Client.id == world.regulator.client_pk)
                       .values(credentials_version=Client.credentials_version + 1))
    db.session.commit()

    refused = world.call("GET", PENDING, token)
    assert refused.status_code == 401
    assert refused.get_json()["code"] == "token_invalid"
    assert decodes == [token]  # refused on the database's word, not a second verify


def test_rotation_and_disabling_refuse_cached_tokens(world, runner):
    token = world.bearer(world.base)
    path = f"/v1/bases/{world.base_id}/reminders"
    assert world.call("GET", path, token).status_code == 200
    client_id = world.base.subject
    assert runner.invoke(args=["ledger", "rotate-client-secret", client_id]).exit_code == 0
    assert world.call("GET", path, token).status_code == 401

    fresh = world.bearer(world.base)  # under the new credentials version
    assert world.call("GET", path, fresh).status_code == 200
    assert runner.invoke(args=["ledger", "disable-client", client_id]).exit_code == 0
    assert world.call("GET", path, fresh).status_code == 401


def test_a_password_reset_refuses_a_cached_professional_token(world):
    token = world.bearer(world.professional)
    assert world.call("GET", "/v1/me/hours", token).status_code == 200
    reading.register_professional(world.ctx, world.regulator, world.person_id,
                                  world.person_name, "370303", "battery-staple")
    assert world.call("GET", "/v1/me/hours", token).status_code == 401


def test_a_professional_token_sees_a_changed_record_not_a_cached_actor(world):
    """The actor is rebuilt from the row every request: a transfer shows at once."""
    token = world.bearer(world.professional)
    assert world.call("GET", "/v1/me/hours", token).status_code == 200
    db.session.execute(update(Professional).where(
        Professional.id == world.professional.professional_id).values(name="王五"))
    db.session.commit()
    actor = auth.verify_token(token)
    assert actor.name == "王五"


def test_a_cached_token_still_expires_on_the_ledgers_clock(world, clock):
    token = world.bearer(world.regulator)
    assert world.call("GET", PENDING, token).status_code == 200
    clock.advance(seconds=world.app.config["JWT_TTL_SECONDS"]
                  + world.app.config["JWT_LEEWAY_SECONDS"] + 1)
    expired = world.call("GET", PENDING, token)
    assert expired.status_code == 401
    assert expired.get_json()["code"] == "token_expired"


def test_a_forged_payload_beside_a_cached_signature_is_refused(world):
    token = world.bearer(world.base)
    assert world.call("GET", PENDING, world.bearer(world.regulator)).status_code == 200
    assert world.call("GET", f"/v1/bases/{world.base_id}/reminders", token).status_code == 200
    header, _payload, signature = token.split(".")
    other = world.bearer(world.regulator).split(".")[1]
    forged = f"{header}.{other}.{signature}"
    assert world.call("GET", PENDING, forged).status_code == 401


def test_verdicts_expire_after_the_ttl():
    ticks = Ticks()
    tokens = VerifiedTokens(size=8, ttl=10, clock=ticks)
    tokens.put("t", "k1", {"sub": "a"})
    ticks.now = 9.9
    assert tokens.get("t", "k1") == {"sub": "a"}
    ticks.now = 10.0
    assert tokens.get("t", "k1") is None
    assert len(tokens) == 0


def test_a_verdict_under_a_retired_key_is_not_served():
    tokens = VerifiedTokens(size=8, ttl=10, clock=Ticks())
    tokens.put("t", "old-kid", {"sub": "a"})
    assert tokens.get("t", "new-kid") is None
    assert tokens.get("t", "old-kid") is None  # dropped, not kept for the old key


def test_the_least_recently_used_verdict_goes_first():
    tokens = VerifiedTokens(size=2, ttl=10, clock=Ticks())
    tokens.put("a", "k", {"n": 1})
    tokens.put("b", "k", {"n": 2})
    assert tokens.get("a", "k") == {"n": 1}
    tokens.put("c", "k", {"n": 3})
    assert tokens.get("b", "k") is None
    assert tokens.get("a", "k") == {"n": 1} and tokens.get("c", "k") == {"n": 3}


def test_without_the_cache_every_request_is_verified(world, decodes):
    world.app.extensions["ledger_verified_tokens"] = None  # TOKEN_CACHE_SIZE = 0
    token = world.bearer(world.regulator)
    for _ in range(2):
        assert world.call("GET", PENDING, token).status_code == 200
    assert decodes == [token, token]


OPS = st.lists(st.tuples(st.sampled_from(["put", "get", "tick"]), st.sampled_from("abcde"),
                         st.sampled_from(["k1", "k2"]), st.floats(0, 6)), max_size=60)


@given(OPS)
def test_the_cache_is_bounded_and_serves_only_fresh_verdicts_under_their_key(ops):
    ticks = Ticks()
    tokens = VerifiedTokens(size=3, ttl=5, clock=ticks)
    stored: dict[str, tuple[float, str, dict]] = {}
    for op, token, kid, step in ops:
        if op == "tick":
            ticks.now += step
        elif op == "put":
            claims = {"token": token, "at": ticks.now}
            tokens.put(token, kid, claims)
            stored[token] = (ticks.now, kid, claims)
        else:
            got = tokens.get(token, kid)
            if got is not None:
                put_at, put_kid, claims = stored[token]
                assert got is claims and put_kid == kid and ticks.now < put_at + 5
        assert len(tokens) <= 3
