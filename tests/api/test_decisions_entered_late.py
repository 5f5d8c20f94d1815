"""Decisions that reach the ledger after the day they take effect (淄博 第二十三、二十四条;
威海 第十九、二十条; 四川 第二十三至二十五条; 上海 第二十三、二十五条; 常州 第八条): accepted
with both dates, and exactly the credits that relied on the base's good standing from the
effective date are reversed, citing the decision. On both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ledger.actors import Role


def at(world, day: str) -> None:
    y, m, d = (int(p) for p in day.split("-"))
    world.clock.set(datetime(y, m, d, 2, tzinfo=UTC))  # 10:00 in Beijing


def credit(world, project_id: int, external_id: str, dates: list[str], who=None) -> dict:
    response = world.post(world.item(project_id, external_id, hours=f"{8 * len(dates)}.0",
                                     training_dates=dates), who=who)
    receipt = response.get_json()["receipts"][0]
    assert receipt["status"] == "credited", receipt["reasons"]
    return receipt


@pytest.fixture
def credited(world):
    """Four credits for one professional: three at the base, one at another base."""
    at(world, "2025-05-20")
    other_id = world.new_base("另一基地", registry_number="ZB-002")
    other = world.new_client(Role.BASE, "LMS 2", base_id=other_id)
    projects = {name: world.accepted_project(start_on=start, end_on=end, hours=hours)
                for name, start, end, hours in (("before", "2025-06-02", "2025-06-02", "8.0"),
                                                ("spanning", "2025-06-06", "2025-06-07", "16.0"),
                                                ("after", "2025-06-08", "2025-06-08", "8.0"))}
    response = world.file_project(who=other, base_id=other_id, start_on="2025-06-09",
                                  end_on="2025-06-09", hours="8.0")
    elsewhere = response.get_json()["id"]
    world.call("POST", f"/v1/projects/{elsewhere}/decision", world.regulator,
               json={"decision": "accepted"})
    at(world, "2025-06-09")
    return {
        "before": credit(world, projects["before"], "before", ["2025-06-02"]),
        "spanning": credit(world, projects["spanning"], "spanning",
                           ["2025-06-06", "2025-06-07"]),
        "after": credit(world, projects["after"], "after", ["2025-06-08"]),
        "elsewhere": credit(world, elsewhere, "elsewhere", ["2025-06-09"], who=other),
    }


def test_a_revocation_entered_three_days_late_reverses_exactly_the_credits_that_relied_on_it(
        world, credited):
    at(world, "2025-06-10")
    response = world.call("POST", f"/v1/bases/{world.base_id}/standing-events", world.regulator,
                          json={"type": "revoked", "effective_on": "2025-06-07",
                                "reason": "评估不合格，限期整改仍达不到要求",
                                "document_number": "淄人社字〔2025〕40号",
                                "basis": "淄博 第二十三条"})

    assert response.status_code == 201, response.get_json()
    event = response.get_json()
    assert event["effective_on"] == "2025-06-07"
    assert event["recorded_at"].startswith("2025-06-10") and event["recorded_by"] is not None
    record = world.hours(year_from=2025, year_to=2025).get_json()
    entries = record["years"][0]["entries"]
    reversed_ids = {e["reverses_id"] for e in entries if e["kind"] == "reversal"}
    assert reversed_ids == {credited["spanning"]["entry_id"], credited["after"]["entry_id"]}
    assert record["years"][0]["total"] == "16.0"  # the 2 June credit and the other base's
    for reversal in (e for e in entries if e["kind"] == "reversal"):
        assert "2025-06-07" in reversal["reason"] and "2025-06-10" in reversal["reason"]
        assert "淄人社字〔2025〕40号" in reversal["reason"]
        assert "淄博 第二十三条" in reversal["reason"]
    assert record["chain"]["intact"] is True
    voided = {p["external_id"] for p in record["not_credited"] if p["status"] == "voided"}
    assert voided == {"spanning", "after"}


def test_a_suspension_entered_late_reverses_from_its_effective_date(world, credited):
    at(world, "2025-06-10")
    response = world.call("POST", f"/v1/bases/{world.base_id}/standing-events", world.regulator,
                          json={"type": "suspended", "effective_on": "2025-06-08"})

    assert response.status_code == 201, response.get_json()
    entries = world.hours(year_from=2025, year_to=2025).get_json()["years"][0]["entries"]
    assert {e["reverses_id"] for e in entries if e["kind"] == "reversal"} == {
        credited["after"]["entry_id"]}


def test_a_rectification_order_entered_late_reverses_nothing(world, credited):
    # 限期整改: the base keeps its status until the deadline passes and a finding follows.
    at(world, "2025-06-10")
    response = world.call("POST", f"/v1/bases/{world.base_id}/standing-events", world.regulator,
                          json={"type": "rectification_ordered", "effective_on": "2025-06-05",
                                "due_on": "2025-08-01"})

    assert response.status_code == 201, response.get_json()
    entries = world.hours(year_from=2025, year_to=2025).get_json()["years"][0]["entries"]
    assert [e["kind"] for e in entries] == ["credit"] * 4


@pytest.mark.parametrize("missing", ["document_number", "basis"])
def test_sichuan_article_25_void_from_needs_the_decisions_document_number_and_basis(
        world, credited, missing):
    at(world, "2025-06-10")
    body = {"type": "revoked", "effective_on": "2025-06-10", "void_from": "2025-06-01",
            "misconduct": True, "reason": "只收费不培训",
            "document_number": "淄人社字〔2025〕41号", "basis": "淄博 第二十四条"}
    del body[missing]

    refused = world.call("POST", f"/v1/bases/{world.base_id}/standing-events",
                         world.regulator, json=body)

    assert refused.status_code == 422
    assert refused.get_json()["code"] == "void_from_needs_decision"
    entries = world.hours(year_from=2025, year_to=2025).get_json()["years"][0]["entries"]
    assert all(e["kind"] == "credit" for e in entries)


def test_sichuan_article_25_void_from_reaches_back_citing_whose_decision_it_was(world, credited):
    at(world, "2025-06-10")
    response = world.call("POST", f"/v1/bases/{world.base_id}/standing-events", world.regulator,
                          json={"type": "revoked", "effective_on": "2025-06-10",
                                "void_from": "2025-06-01", "misconduct": True,
                                "reason": "只收费不培训", "basis": "淄博 第二十四条",
                                "document_number": "淄人社字〔2025〕41号"})

    assert response.status_code == 201, response.get_json()
    entries = world.hours(year_from=2025, year_to=2025).get_json()["years"][0]["entries"]
    reversals = [e for e in entries if e["kind"] == "reversal"]
    assert {e["reverses_id"] for e in reversals} == {
        credited[k]["entry_id"] for k in ("before", "spanning", "after")}
    assert all("淄人社字〔2025〕41号" in e["reason"] and "淄博 第二十四条" in e["reason"]
               for e in reversals)
    assert date(2025, 6, 10).isoformat() in reversals[0]["reason"]
