"""The daily cap is a person's day across all postings and bases (人社部令第25号 第八条
leaves 学时认定 to the provinces; 8 a day is the ledger's own default, ledger/daycap.py):
what fits is credited, the receipt says so with both numbers. On both databases."""

from __future__ import annotations

from datetime import UTC, datetime

from ledger.actors import Role


def test_ledger_default_daily_cap_counts_a_persons_day_across_two_bases(world):
    other_id = world.new_base("另一基地", registry_number="ZB-002")
    other = world.new_client(Role.BASE, "LMS 2", base_id=other_id)
    here = world.accepted_project(start_on="2025-06-20", end_on="2025-06-20", hours="8.0")
    filed = world.file_project(who=other, base_id=other_id, start_on="2025-06-20",
                               end_on="2025-06-21", hours="16.0").get_json()["id"]
    world.call("POST", f"/v1/projects/{filed}/decision", world.regulator,
               json={"decision": "accepted"})
    world.clock.set(datetime(2025, 6, 22, 2, tzinfo=UTC))

    first = world.post(world.item(here, "a-1", hours="6.0", training_dates=["2025-06-20"]))
    second = world.post(world.item(filed, "b-1", hours="16.0",
                                   training_dates=["2025-06-20", "2025-06-21"]), who=other)
    third = world.post(world.item(here, "a-2", hours="1.0", training_dates=["2025-06-20"]))

    assert first.get_json()["receipts"][0]["hours"] == "6.0"
    receipt = second.get_json()["receipts"][0]
    assert receipt["status"] == "credited" and receipt["hours"] == "10.0"  # 2 on the 20th, 8
    [note] = receipt["notes"]
    assert note["code"] == "hours_exceed_daily_cap"
    assert note["details"] == {"hours": "16.0", "credited_hours": "10.0", "daily_cap": 8,
                               "days": 2, "already_credited_on_days": "6.0"}
    assert "16.0 hours posted" in note["message"] and "10.0 credited" in note["message"]
    full = third.get_json()["receipts"][0]
    assert full["status"] == "rejected"
    assert [r["code"] for r in full["reasons"]] == ["hours_exceed_daily_cap"]
    record = world.hours(year_from=2025, year_to=2025).get_json()
    assert record["years"][0]["total"] == "16.0"
    assert record["chain"]["intact"] is True


def test_ledger_default_daily_cap_counts_no_reversed_credit(world):
    project = world.accepted_project(start_on="2025-06-20", end_on="2025-06-20", hours="8.0")
    world.clock.set(datetime(2025, 6, 22, 2, tzinfo=UTC))
    first = world.post(world.item(project, "a-1", hours="8.0",
                                  training_dates=["2025-06-20"])).get_json()["receipts"][0]
    voided = world.call("POST", f"/v1/completions/{first['posting_id']}/void", world.base,
                        json={"reason": "录入错误"})
    assert voided.status_code == 200

    again = world.post(world.item(project, "a-2", hours="8.0",
                                  training_dates=["2025-06-20"])).get_json()["receipts"][0]

    assert again["status"] == "credited" and again["hours"] == "8.0" and again["notes"] == []
