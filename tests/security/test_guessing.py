"""Issue 10 item 4: guessing is slow. 429 problem+json with Retry-After per client id and
per address, in storage the workers share; a professional's password locks with
backoff; secrets hashed with argon2id, older hashes upgraded at the next login."""

from __future__ import annotations

from datetime import timedelta

from ledger import secrets as legacy
from ledger.services.clients import LOCK_AFTER, lock_for
from ledger.store import Professional

TOKEN = "/v1/auth/token"


def login(world, password: str, username: str | None = None):
    return world.call("POST", TOKEN, data={"grant_type": "password",
                                           "username": username or world.person_id,
                                           "password": password})


def assert_429(response) -> None:
    assert response.status_code == 429, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "too_many_requests"
    assert int(response.headers["Retry-After"]) >= 1


def test_300_wrong_passwords_are_slowed_and_the_right_one_then_does_not_work(
        world, shared_rate_limits):
    statuses = [login(world, f"wrong-{n}").status_code for n in range(300)]

    assert statuses.count(400) <= 10
    assert statuses.count(429) >= 290
    assert_429(login(world, "wrong-again"))
    assert login(world, "correct-horse").status_code != 200
    # The count lives in Redis, where every gunicorn worker reads it.
    assert any(b"xueshi-ledger" in key for key in shared_rate_limits.keys())


def test_the_token_endpoint_is_limited_per_address_whatever_the_client_id(world):
    statuses = [world.call("POST", TOKEN, data={
        "grant_type": "client_credentials", "client_id": f"regulator-{n}",
        "client_secret": "guess"}).status_code for n in range(61)]

    assert statuses[:60] == [401] * 60
    assert statuses[60] == 429


def test_a_password_locks_after_five_failures_and_unlocks_after_the_backoff(world):
    for n in range(LOCK_AFTER):
        assert login(world, f"wrong-{n}").get_json()["error"] == "invalid_grant"

    locked = login(world, "correct-horse")

    assert locked.status_code == 400 and locked.get_json()["error"] == "invalid_grant"
    assert 0 < int(locked.headers["Retry-After"]) <= 60
    world.clock.advance(seconds=61)
    assert login(world, "correct-horse").status_code == 200
    person = world.ctx.session.query(Professional).filter_by(
        id=world.professional.professional_id).one()
    world.ctx.session.refresh(person)
    assert person.failed_logins == 0 and person.locked_until is None


def test_each_failure_after_the_lock_doubles_it_up_to_an_hour():
    assert [lock_for(n) for n in range(LOCK_AFTER)] == [None] * LOCK_AFTER
    assert lock_for(LOCK_AFTER) == timedelta(minutes=1)
    assert lock_for(LOCK_AFTER + 1) == timedelta(minutes=2)
    assert lock_for(LOCK_AFTER + 3) == timedelta(minutes=8)
    assert lock_for(LOCK_AFTER + 100) == timedelta(hours=1)


def test_an_old_scrypt_hash_still_logs_in_and_is_upgraded_to_argon2id(world):
    session = world.ctx.session
    person = session.get(Professional, world.professional.professional_id)
    person.password_hash = legacy.hash_secret("correct-horse")
    session.commit()

    assert login(world, "correct-horse").status_code == 200

    session.expire_all()
    stored = session.get(Professional, world.professional.professional_id).password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert login(world, "correct-horse").status_code == 200


def test_with_redis_gone_each_worker_still_limits_and_nothing_fails(
        tmp_path, key_dir, sqlite_template, monkeypatch):
    import shutil

    from api.db import db
    from app import create_app
    from ledger.clock import FixedClock

    from ..conftest import START, _config

    monkeypatch.setenv("LEDGER_RATELIMIT_STORAGE", f"redis+unix://{tmp_path}/gone.sock")
    shutil.copy(sqlite_template, tmp_path / "ledger.sqlite3")
    app = create_app(_config(key_dir, f"sqlite:///{tmp_path}/ledger.sqlite3",
                             FixedClock(START)))
    with app.app_context():
        client = app.test_client()
        statuses = [client.post(TOKEN, data={
            "grant_type": "client_credentials", "client_id": f"regulator-{n}",
            "client_secret": "guess"}).status_code for n in range(61)]
        db.session.remove()
        db.engine.dispose()

    assert statuses[:60] == [401] * 60
    assert statuses[60] == 429


def test_an_authenticated_client_is_limited_per_subject_with_retry_after(world):
    world.app.config["RATELIMIT_PER_SUBJECT"] = "5/minute"
    token = world.bearer(world.regulator)

    statuses = [world.call("GET", "/v1/filings/pending", token).status_code
                for _ in range(5)]
    limited = world.call("GET", "/v1/filings/pending", token)

    assert statuses == [200] * 5
    assert_429(limited)
    # Another client is not slowed by the first one's requests.
    assert world.call("GET", "/v1/filings/pending", world.committee).status_code != 429
