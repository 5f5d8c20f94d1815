"""Issue 10 items 6 and 9: a database outage is 503 with Retry-After; /healthz asks the
database; every answer and log line carries a request id; logs are JSON."""

from __future__ import annotations

import json
import logging
import re

import pytest

from api.db import db
from api.serving import JsonFormatter
from app import create_app
from ledger.clock import FixedClock

from ..conftest import START, _config


@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable_app(request, tmp_path, key_dir):
    """The app, with its database gone: a missing SQLite directory, or a PostgreSQL
    cluster that refuses connections (the session cluster's socket on another port)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/gone/ledger.sqlite3"
    else:
        url = re.sub(r"port=\d+", "port=1", request.getfixturevalue("postgres_url"))
    app = create_app(_config(key_dir, url, FixedClock(START)))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_a_database_outage_is_503_with_retry_after_not_500(unreachable_app):
    client = unreachable_app.test_client()

    for response in (
        client.post("/v1/auth/token", data={"grant_type": "client_credentials",
                                            "client_id": "regulator-x", "client_secret": "s"}),
        client.get("/healthz"),
    ):
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["code"] == "database_unavailable"
        assert int(response.headers["Retry-After"]) > 0


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_a_request_id_is_kept_when_sent_and_made_when_not(client):
    kept = client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    made = client.get("/healthz")
    refused = client.get("/healthz", headers={"X-Request-Id": "<script>alert(1)</script>"})

    assert kept.headers["X-Request-Id"] == "abc-123"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-Id"])
    assert refused.headers["X-Request-Id"] != "<script>alert(1)</script>"


def test_log_lines_are_json_with_the_request_id(app, client, caplog):
    caplog.set_level(logging.INFO, logger="ledger.access")

    client.get("/healthz", headers={"X-Request-Id": "trace-42"})

    record = next(r for r in caplog.records if r.name == "ledger.access")
    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/healthz" and line["status"] == 200
    assert line["request_id"] == "trace-42"
    assert line["level"] == "INFO" and "ts" in line
    with app.test_request_context("/"):
        from flask import g

        g.request_id = "inside"
        other = logging.LogRecord("ledger", logging.WARNING, __file__, 1, "hello %s",
                                  ("world",), None)
        assert json.loads(JsonFormatter().format(other))["request_id"] == "inside"


def test_a_write_that_keeps_losing_races_is_503_to_retry_not_500(world, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from api import completions

    def collide(*_args, **_kwargs):
        raise IntegrityError("INSERT INTO entry ...", {}, Exception("duplicate key"))

    monkeypatch.setattr(completions.completions, "post_completions", collide)
    project_id = world.accepted_project()

    response = world.post(world.item(project_id), key="retry-me")

    assert response.status_code == 503
    assert response.get_json()["code"] == "write_conflict"
    assert response.headers["Retry-After"] == "1"
