"""Attendance per session: idempotent per base, checked against completions, overlaps."""

from __future__ import annotations

from .conftest import AFTER_CLASS, accepted_at, attend, session


def test_a_session_posted_twice_is_recorded_once_and_other_content_is_409(world, project):
    first = attend(world, session(project, "s-1"))
    again = attend(world, session(project, "s-1"))
    changed = attend(world, session(project, "s-1", end="16:00"))

    assert first.status_code == again.status_code == 200
    receipt = first.get_json()["receipts"][0]
    assert receipt["minutes"] == 360 and receipt["replayed"] is False
    assert again.get_json()["receipts"][0] == {**receipt, "replayed": True}
    assert changed.status_code == 409
    assert changed.get_json()["code"] == "external_id_conflict"


def test_a_session_signing_out_before_it_signs_in_is_422_with_its_external_id(world, project):
    response = attend(world, session(project, "s-1", start="15:00", end="09:00"))

    assert response.status_code == 422
    assert response.get_json()["code"] == "attendance_invalid"
    assert response.get_json()["details"]["external_ids"] == ["s-1"]


def test_online_minutes_on_a_day_are_recorded(world, project):
    response = attend(world, {"external_id": "o-1", "project_id": project, "name": "李四",
                              "mode": "online", "session_on": "2025-06-21", "minutes": 90})

    assert response.status_code == 200
    assert response.get_json()["receipts"][0]["session_on"] == "2025-06-21"


def test_a_completion_claiming_more_than_was_attended_is_rejected_not_trimmed(world, project):
    # Two days of six hours: 360 minutes a day at 45 minutes a 学时 make 8 + 8.
    attend(world, session(project, "s-1", day="2025-06-20"),
           session(project, "s-2", day="2025-06-21"))
    world.clock.set(AFTER_CLASS)

    over = world.post(world.item(project, "c-1")).get_json()["receipts"][0]
    fits = world.post(world.item(project, "c-2", hours="16.0")).get_json()["receipts"][0]

    assert over["status"] == "rejected"
    reason = next(r for r in over["reasons"] if r["code"] == "hours_exceed_attendance")
    assert reason["details"]["earned"] == "16.0"
    assert reason["rule"]["source"] == "人社部令第25号"  # Zibo is silent on attendance
    assert fits["status"] == "credited" and fits["hours"] == "16.0"


def test_a_completion_with_no_attendance_recorded_is_not_judged_by_attendance(world, project):
    world.clock.set(AFTER_CLASS)

    receipt = world.post(world.item(project)).get_json()["receipts"][0]

    assert receipt["status"] == "credited"


def test_overlapping_classrooms_at_two_bases_are_flagged_and_credit_once(world, project, other):
    theirs = accepted_at(world, other)
    mine = attend(world, session(project, "a-1"))
    clash = attend(world, session(theirs, "b-1", start="14:00", end="18:00"), who=other.lms)
    flag_id = clash.get_json()["receipts"][0]["flags"][0]
    assert mine.get_json()["receipts"][0]["flags"] == []
    world.clock.set(AFTER_CLASS)

    # 3 + 4 学时 stays inside a day's cap (8, across bases): only the overlap holds it.
    first = world.post(world.item(project, "c-a", hours="3.0",
                                  training_dates=["2025-06-20"])).get_json()["receipts"][0]
    second = world.post(world.item(theirs, "c-b", hours="4.0", training_dates=["2025-06-20"]),
                        who=other.lms).get_json()["receipts"][0]

    assert first["status"] == "credited"
    assert second["status"] == "held"
    assert [r["code"] for r in second["reasons"]] == ["attendance_overlap"]
    flag = world.call("GET", f"/v1/flags/{flag_id}", world.regulator).get_json()
    assert flag["kind"] == "overlap" and flag["status"] == "open"
    assert flag["evidence"]["earlier"]["base_id"] == world.base_id
    assert flag["evidence"]["later"]["base_id"] == other.base_id

    resolved = world.call("POST", f"/v1/flags/{flag_id}/resolution", world.regulator,
                          json={"resolution": "upheld", "note": "签到表核查"})
    assert resolved.status_code == 200
    after = world.call("GET", f"/v1/completions/{second['posting_id']}", other.lms).get_json()
    assert after["status"] == "rejected"
    assert "attendance_overlap_upheld" in [r["code"] for r in after["reasons"]]
    assert world.hours(year_from=2025, year_to=2025).get_json()["years"][0]["total"] == "3.0"


def test_a_dismissed_overlap_lets_the_held_completion_credit(world, project, other):
    theirs = accepted_at(world, other)
    attend(world, session(project, "a-1"))
    flag_id = attend(world, session(theirs, "b-1", start="14:00", end="18:00"),
                     who=other.lms).get_json()["receipts"][0]["flags"][0]
    world.clock.set(AFTER_CLASS)
    held = world.post(world.item(theirs, "c-b", hours="5.0", training_dates=["2025-06-20"]),
                      who=other.lms).get_json()["receipts"][0]

    world.call("POST", f"/v1/flags/{flag_id}/resolution", world.regulator,
               json={"resolution": "dismissed"})

    after = world.call("GET", f"/v1/completions/{held['posting_id']}", other.lms).get_json()
    assert held["status"] == "held" and after["status"] == "credited"
    again = world.call("POST", f"/v1/flags/{flag_id}/resolution", world.regulator,
                       json={"resolution": "upheld"})
    assert again.status_code == 409


def test_sessions_that_only_touch_do_not_overlap(world, project, other):
    theirs = accepted_at(world, other)
    attend(world, session(project, "a-1", start="09:00", end="12:00"))

    response = attend(world, session(theirs, "b-1", start="12:00", end="15:00"), who=other.lms)

    assert response.get_json()["receipts"][0]["flags"] == []


def test_an_upheld_overlap_reverses_what_the_later_session_had_credited(world, project,
                                                                        other):
    theirs = accepted_at(world, other)
    attend(world, session(project, "a-1"))
    world.clock.set(AFTER_CLASS)
    # The second base posts its completion before it records the session: it credits.
    credited = world.post(world.item(theirs, "c-b", hours="5.0",
                                     training_dates=["2025-06-20"]),
                          who=other.lms).get_json()["receipts"][0]
    flag_id = attend(world, session(theirs, "b-1", start="14:00", end="18:00"),
                     who=other.lms).get_json()["receipts"][0]["flags"][0]
    assert credited["status"] == "credited"

    world.call("POST", f"/v1/flags/{flag_id}/resolution", world.regulator,
               json={"resolution": "upheld"})

    after = world.call("GET", f"/v1/completions/{credited['posting_id']}", other.lms)
    assert after.get_json()["status"] == "voided"
    assert world.hours(year_from=2025, year_to=2025).get_json()["years"][0]["total"] == "0.0"
