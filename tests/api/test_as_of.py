"""As-of reads (issue 8): the answer at a checkpoint, and it differs across a reversal
by exactly that reversal."""

from __future__ import annotations

from datetime import UTC, datetime

from api.db import ledger_context
from ledger.services import log


def sealed(world) -> dict:
    head = log.seal(ledger_context())
    assert head is not None
    return {"size": head.size, "time": head.sealed_at}


def test_hours_before_and_after_a_reversal_differ_exactly_by_it(world):
    project = world.accepted_project()
    world.clock.set(datetime(2025, 6, 23, 2, 0, tzinfo=UTC))
    receipt = world.post(world.item(project)).get_json()["receipts"][0]
    before = sealed(world)
    world.clock.set(datetime(2025, 7, 1, 2, 0, tzinfo=UTC))
    voided = world.call("POST", f"/v1/completions/{receipt['posting_id']}/void", world.base,
                        json={"reason": "recorded twice"})
    assert voided.status_code == 200
    after = sealed(world)

    then = world.hours(year_from=2025, year_to=2025, as_of=str(before["size"])).get_json()
    now = world.hours(year_from=2025, year_to=2025, as_of=str(after["size"])).get_json()

    assert then["as_of"]["size"] == before["size"] and now["as_of"]["size"] == after["size"]
    then_ids = [e["id"] for e in then["years"][0]["entries"]]
    now_entries = now["years"][0]["entries"]
    assert [e["id"] for e in now_entries[:-1]] == then_ids
    [extra] = now_entries[len(then_ids):]
    assert extra["kind"] == "reversal" and extra["reverses_id"] == receipt["entry_id"]
    assert then["years"][0]["total"] == "24.0" and now["years"][0]["total"] == "0.0"
    assert now["chain"]["length"] == then["chain"]["length"] + 1

    # A time names the last checkpoint sealed by then; the answer is reproducible.
    by_time = world.hours(year_from=2025, year_to=2025,
                          as_of="2025-06-30T12:00:00+08:00").get_json()
    assert by_time == then


def test_a_committee_report_as_of_a_checkpoint_names_it(world):
    project = world.accepted_project()
    world.clock.set(datetime(2025, 6, 23, 2, 0, tzinfo=UTC))
    receipt = world.post(world.item(project)).get_json()["receipts"][0]
    before = sealed(world)
    world.call("POST", f"/v1/completions/{receipt['posting_id']}/void", world.base,
               json={"reason": "recorded twice"})
    body = world.call("POST", "/v1/verifications", world.committee, json={
        "id_number": world.person_id, "name": world.person_name, "year_from": 2025,
        "year_to": 2025, "purpose": "复核", "as_of": str(before["size"])}).get_json()
    assert body["report"]["checkpoint"]["size"] == before["size"]
    assert body["report"]["years"][0]["total"] == "24.0"


def test_a_bad_or_unknown_as_of_is_a_problem_not_a_500(world):
    bad = world.hours(as_of="yesterday")
    assert bad.status_code == 422 and bad.get_json()["code"] == "as_of_invalid"
    missing = world.hours(as_of="99")
    assert missing.status_code == 404 and missing.get_json()["code"] == "checkpoint_not_found"
    naive = world.hours(as_of="2025-06-30T12:00:00")
    assert naive.status_code == 422
