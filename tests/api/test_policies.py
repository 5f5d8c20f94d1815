"""Policies are visible to people, and a receipt says which profile judged it."""

from __future__ import annotations

from datetime import UTC, datetime

from ledger.actors import Role


def test_the_profiles_in_force_are_public(world):
    rows = world.call("GET", "/v1/policies", query_string={"on": "2024-06-01"}).get_json()

    keys = {r["key"] for r in rows}
    assert {"000000@2015", "371000@2019", "320400@2011", "310000@2020"} <= keys
    assert "370300@2025" not in keys  # Zibo 2025 starts 2025-05-10
    weihai = next(r for r in rows if r["key"] == "371000@2019")
    assert weihai["params"]["one_off_lead_working_days"]["value"] == 5
    assert weihai["params"]["one_off_lead_working_days"]["article"] == "第十六条"


def test_a_jurisdiction_shows_what_applies_and_its_history(world):
    after = world.call("GET", "/v1/policies/371002",
                       query_string={"on": "2025-01-01"}).get_json()
    before = world.call("GET", "/v1/policies/371000",
                        query_string={"on": "2024-01-01"}).get_json()

    assert [p["key"] for p in after["applies"]] == ["000000@2015"]
    assert [p["key"] for p in before["applies"]] == ["371000@2019", "000000@2015"]
    assert before["history"][0]["effective_to"] == "2024-12-17"
    assert world.call("GET", "/v1/policies/37100x").status_code == 404


def test_a_weihai_one_off_filing_across_national_day_is_rejected_with_the_numbers(world):
    world.clock.set(datetime(2024, 9, 27, 2, tzinfo=UTC))  # Friday 27 September 2024
    weihai_regulator = world.new_client(Role.REGULATOR, "威海市人社局", "371000")
    base_id = world.new_base("威海基地", jurisdiction="371000", registry_number="WH-1",
                             recognised_on=datetime(2024, 1, 1).date(), by=weihai_regulator)
    weihai = world.new_client(Role.BASE, "威海 LMS", base_id=base_id)
    # 威海 第十六条: the 5th working day before 9 October is Thursday 26 September.
    filed = world.file_project(who=weihai, base_id=base_id, start_on="2024-10-09",
                               end_on="2024-10-09", hours="8.0").get_json()
    world.call("POST", f"/v1/projects/{filed['id']}/decision", weihai_regulator,
               json={"decision": "accepted"})
    world.clock.set(datetime(2024, 10, 11, 2, tzinfo=UTC))

    receipt = world.post(world.item(filed["id"], hours="8.0", training_dates=["2024-10-09"]),
                         who=weihai).get_json()["receipts"][0]

    assert receipt["status"] == "rejected"
    reason = receipt["reasons"][0]
    assert reason["code"] == "one_off_filed_too_late"
    assert reason["details"] | {} == {
        "working_days": 4, "required": 5, "submitted_on": "2024-09-27",
        "start_on": "2024-10-09", "earliest_start": "2024-10-10",
        "counting": "filing_day_counts", "last_filing_day": "2024-09-26"}
    assert receipt["policy"]["version"] == "2019"


def test_compliance_uses_the_professionals_jurisdiction_requirement(world):
    record = world.hours(year_from=2025, year_to=2025).get_json()
    compliance = record["years"][0]["compliance"]
    assert compliance["required_total"] == "90.0"
    assert compliance["required_professional"] == "60.0"
    assert compliance["rule"]["article"] == "第八条"
