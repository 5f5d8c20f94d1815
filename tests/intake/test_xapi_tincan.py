"""The `tincan` client library (Rustici's Python xAPI client) against a live server."""

from __future__ import annotations

import threading

import pytest
import tincan
from werkzeug.serving import make_server

from api.db import db
from ledger.xapi import EXT

from .conftest import AFTER_CLASS


@pytest.fixture
def live(app):
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1/xapi/"
    server.shutdown()
    thread.join()


def test_a_tincan_client_posts_a_completion_and_voids_it(world, project, live):
    world.clock.set(AFTER_CLASS)
    lrs = tincan.RemoteLRS(endpoint=live, version="1.0.3",
                           auth=f"Bearer {world.bearer(world.base)}")
    statement = tincan.Statement(
        actor=tincan.Agent(name=world.person_name, account=tincan.AgentAccount(
            home_page="http://lms.example.cn", name=world.person_id)),
        verb=tincan.Verb(id="http://adlnet.gov/expapi/verbs/completed"),
        object=tincan.Activity(id="http://lms.example.cn/course/1"),
        result=tincan.Result(success=True, duration="PT18H"),
        context=tincan.Context(extensions=tincan.Extensions({EXT + "project-id": project})),
    )

    saved = lrs.save_statement(statement)

    assert saved.success, saved.response.data
    statement_id = str(saved.content.id)
    db.session.rollback()  # end the test's read snapshot: the server wrote in another thread
    stored = world.call("GET", f"/v1/xapi/statements/{statement_id}/receipt", world.base)
    assert stored.get_json()["status"] == "credited"
    void = tincan.Statement(
        actor=tincan.Agent(account=tincan.AgentAccount(home_page="http://lms.example.cn",
                                                       name="admin")),
        verb=tincan.Verb(id="http://adlnet.gov/expapi/verbs/voided"),
        object=tincan.StatementRef(id=statement_id))
    assert lrs.save_statement(void).success
    db.session.rollback()
    hours = world.hours(year_from=2025, year_to=2025).get_json()["years"][0]["total"]
    assert hours == "0.0"
