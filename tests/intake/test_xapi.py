"""xAPI statements: Moodle and Open edX shapes, idempotency by id, voids, receipts."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from api.db import db
from ledger.store import Entry
from ledger.xapi import project_registration

from .conftest import AFTER_CLASS
from .statements import attended, fixture, new_id, send, voiding
from .test_rosters import person


@pytest.fixture
def after(world, project):
    world.clock.set(AFTER_CLASS)
    return project


def moodle(world, project_id):
    return fixture("moodle_course_completed", name=world.person_name,
                   id_number=world.person_id, project_id=project_id)


def edx(world, project_id, statement_id=None):
    return fixture("openedx_grade_passed", name=world.person_name, id_number=world.person_id,
                   registration=project_registration(project_id),
                   statement_id=statement_id or new_id())


def receipt(world, statement_id):
    return world.call("GET", f"/v1/xapi/statements/{statement_id}/receipt", world.base)


def total(world) -> str:
    return world.hours(year_from=2025, year_to=2025).get_json()["years"][0]["total"]


def test_a_moodle_course_completion_credits_and_answers_its_statement_id(world, after):
    response = send(world, moodle(world, after))

    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    [statement_id] = response.get_json()
    stored = receipt(world, statement_id).get_json()
    assert stored["kind"] == "completion" and stored["status"] == "credited"
    assert stored["completion"]["hours"] == "24.0"
    assert total(world) == "24.0"


def test_an_open_edx_pass_names_the_project_by_registration(world, after):
    statement = edx(world, after)

    response = send(world, [statement])

    assert response.get_json() == [statement["id"]]
    stored = receipt(world, statement["id"]).get_json()
    assert stored["status"] == "credited" and stored["completion"]["hours"] == "24.0"


def test_the_same_statement_again_answers_the_same_and_credits_once(world, after):
    statement = edx(world, after)
    first = send(world, statement)
    again = send(world, statement)
    changed = send(world, {**statement, "result": {"success": False}})

    assert first.get_json() == again.get_json() == [statement["id"]]
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 1
    assert changed.status_code == 409
    assert changed.get_json()["code"] == "xapi_statement_conflict"


def test_a_voiding_statement_reverses_the_credit(world, after):
    statement = edx(world, after)
    send(world, statement)

    void = voiding(statement["id"])
    response = send(world, void)

    assert response.status_code == 200
    stored = receipt(world, void["id"]).get_json()
    assert stored["status"] == "voided"
    assert stored["completion"]["reversal_entry_id"] is not None
    assert receipt(world, statement["id"]).get_json()["current"]["status"] == "voided"
    assert receipt(world, statement["id"]).get_json()["voided_by"] == void["id"]
    assert total(world) == "0.0"
    assert send(world, voiding(statement["id"])).status_code == 200  # once is enough
    assert send(world, voiding(void["id"])).get_json()["code"] == "xapi_void_of_void"


def test_in_one_batch_a_void_reaches_the_completion_before_it_and_not_the_one_after(world,
                                                                                    after):
    # Completions are posted together up to the next statement of another kind; the void
    # must still find the first one's credit, and the third is decided after the void.
    first, third = edx(world, after), edx(world, after)

    response = send(world, [first, voiding(first["id"]), third])

    assert response.status_code == 200
    assert receipt(world, first["id"]).get_json()["current"]["status"] == "voided"
    assert receipt(world, third["id"]).get_json()["status"] == "credited"
    assert total(world) == "24.0"


def test_two_completions_of_one_person_in_a_batch_meet_the_daily_cap_together(world,
                                                                              project):
    # The same three days claimed twice (two projects' worth of 24 学时): one batch of
    # completions counts the first's days against the second, as one at a time did.
    other = world.accepted_project()
    world.clock.set(AFTER_CLASS)

    send(world, [edx(world, project), edx(world, other)])

    assert total(world) == "24.0"


def test_a_failed_statement_is_stored_and_rejected_with_its_reason(world, after):
    statement = {**edx(world, after), "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}

    send(world, statement)

    stored = receipt(world, statement["id"]).get_json()
    assert stored["status"] == "rejected"
    assert "assessment_not_passed" in [r["code"] for r in stored["completion"]["reasons"]]


def test_a_batch_with_a_bad_statement_stores_nothing(world, after):
    bad = {**edx(world, after), "actor": {"mbox": "mailto:someone@example.cn"}}

    response = send(world, [edx(world, after), bad])

    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "xapi_statement_invalid"
    assert body["details"]["index"] == 1 and body["details"]["path"] == "actor.account"
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def test_attended_sessions_bound_the_completion(world, after):
    sessions = [attended(world, after, sign_in=f"2025-06-2{d}T09:00:00+08:00",
                         sign_out=f"2025-06-2{d}T12:00:00+08:00") for d in (0, 1, 2)]
    completion = edx(world, after)  # claims the filed 24 学时; 9 hours make 12

    send(world, [*sessions, completion])

    stored = receipt(world, completion["id"]).get_json()
    assert receipt(world, sessions[0]["id"]).get_json()["attendance"]["minutes"] == 180
    assert stored["status"] == "rejected"
    assert "hours_exceed_attendance" in [r["code"] for r in stored["completion"]["reasons"]]


def test_a_voided_session_stops_counting(world, after):
    session = attended(world, after, sign_in="2025-06-20T09:00:00+08:00",
                       sign_out="2025-06-20T10:00:00+08:00")
    send(world, [session, voiding(session["id"])])

    send(world, completion := edx(world, after))

    assert receipt(world, completion["id"]).get_json()["status"] == "credited"


def test_put_stores_under_the_statement_id_given(world, after):
    statement_id = new_id()
    statement = moodle(world, after)

    response = send(world, statement, method="PUT", query_string={"statementId": statement_id})

    assert response.status_code == 204
    assert receipt(world, statement_id).get_json()["status"] == "credited"
    other = send(world, {**statement, "id": new_id()}, method="PUT",
                 query_string={"statementId": statement_id})
    assert other.get_json()["code"] == "xapi_statement_id_mismatch"


@pytest.mark.parametrize("form", ["{%s}", "urn:uuid:%s", "nohyphens", "%s\n"])
def test_a_statement_id_in_any_form_but_rfc_4122s_is_refused(world, after, form):
    """xAPI 1.0.3 §2.4.1; Python's uuid.UUID would take each of these."""
    statement_id = new_id()
    odd = statement_id.replace("-", "") if form == "nohyphens" else form % statement_id

    put = send(world, moodle(world, after), method="PUT", query_string={"statementId": odd})
    posted = send(world, {**moodle(world, after), "id": odd})

    assert put.status_code == 422, put.get_json()
    assert "statementId" in str(put.get_json())
    assert posted.status_code == 422, posted.get_json()
    assert posted.get_json()["code"] == "xapi_statement_invalid"
    assert receipt(world, statement_id).status_code == 404


def test_a_put_body_past_its_limit_is_413_problem_json(world, after):
    statement = {**moodle(world, after), "padding": "x" * (64 * 1024)}

    response = send(world, statement, method="PUT", query_string={"statementId": new_id()})

    assert response.status_code == 413
    assert response.get_json()["code"] == "payload_too_large"


def test_an_unsupported_verb_is_stored_and_does_nothing(world, after):
    viewed = {**moodle(world, after), "verb": {"id": "http://id.tincanapi.com/verb/viewed"}}

    [statement_id] = send(world, viewed).get_json()

    assert receipt(world, statement_id).get_json()["status"] == "ignored"
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def test_a_request_without_the_xapi_version_header_is_400(world, after):
    response = send(world, moodle(world, after), headers={})

    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.get_json()["errors"]["headers"]


def test_a_statement_for_another_bases_project_is_404(world, after, other):
    response = send(world, moodle(world, after), who=other.lms)

    assert response.status_code == 404
    assert response.get_json()["code"] == "project_not_found"
    assert receipt(world, new_id()).status_code == 404


def test_a_batch_of_a_thousand_moodle_statements_is_within_the_endpoints_size(world, after):
    # Each carries Moodle's context activities and platform extensions (~1 KB): the
    # batch is well past the 64 KB every other endpoint allows.
    batch = [fixture("moodle_course_completed", name=f"学员{n}", id_number=person(n),
                     project_id=after) for n in range(1000)]
    assert len(json.dumps(batch, ensure_ascii=False).encode()) > 512 * 1024

    response = send(world, batch)

    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert len(response.get_json()) == 1000
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 1000
