"""威海 第十六条 through the API, on both databases: the filing day is the Beijing date
of the server's clock, and a regulator's exception to the lead time (一般应) is recorded,
applied and cited, or refused and cited."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ledger.actors import Role

WEIHAI = "371000"


@pytest.fixture
def weihai(world):
    world.weihai_regulator = world.new_client(Role.REGULATOR, "威海市人社局", WEIHAI)
    base_id = world.new_base("威海基地", jurisdiction=WEIHAI, recognised_on=date(2019, 12, 18),
                             by=world.weihai_regulator)
    world.weihai_base_id = base_id
    world.weihai_lms = world.new_client(Role.BASE, "威海 LMS", base_id=base_id)
    return world


def _file_at(world, moment: datetime, start: str = "2024-10-10") -> int:
    world.clock.set(moment)
    response = world.file_project(who=world.weihai_lms, base_id=world.weihai_base_id,
                                  start_on=start, end_on=start, hours="8.0")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _decide(world, project_id: int, **body):
    return world.call("POST", f"/v1/projects/{project_id}/decision", world.weihai_regulator,
                      json={"decision": "accepted", **body})


def _post(world, project_id: int, external_id: str = "w-1"):
    world.clock.set(datetime(2024, 10, 20, 2, tzinfo=UTC))
    response = world.post(world.item(project_id, external_id, hours="8.0",
                                     training_dates=["2024-10-10"]), who=world.weihai_lms)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["receipts"][0]


def test_weihai_article_16_a_filing_just_before_midnight_beijing_is_on_the_last_day(weihai):
    # 2024-09-27 23:59 in Beijing: the 5th working day before 10 October (Sep 29 worked).
    project_id = _file_at(weihai, datetime(2024, 9, 27, 15, 59, tzinfo=UTC))
    assert _decide(weihai, project_id).status_code == 200

    receipt = _post(weihai, project_id)

    assert receipt["status"] == "credited", receipt["reasons"]


def test_weihai_article_16_a_filing_just_after_midnight_beijing_is_a_day_late(weihai):
    # 2024-09-28 00:01 in Beijing, still 27 September in UTC: the Beijing date decides.
    project_id = _file_at(weihai, datetime(2024, 9, 27, 16, 1, tzinfo=UTC))
    project = _decide(weihai, project_id).get_json()
    assert project["submitted_on"] == "2024-09-28"

    receipt = _post(weihai, project_id)

    assert receipt["status"] == "rejected"
    [reason] = receipt["reasons"]
    assert reason["code"] == "one_off_filed_too_late"
    assert reason["details"]["last_filing_day"] == "2024-09-27"
    assert reason["rule"]["article"] == "第十六条"


def test_weihai_article_16_an_exception_granted_credits_and_the_receipt_cites_it(weihai):
    project_id = _file_at(weihai, datetime(2024, 9, 27, 16, 1, tzinfo=UTC))
    decided = _decide(weihai, project_id, lead_time_exception={
        "granted": True, "reason": "国庆前系统故障，延误一日备案"})
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["lead_time_exception"] == "granted"

    receipt = _post(weihai, project_id)

    assert receipt["status"] == "credited" and receipt["hours"] == "8.0"
    assert receipt["reasons"] == []
    [note] = receipt["notes"]
    assert note["code"] == "one_off_lead_time_exception"
    assert note["details"]["exception_reason"] == "国庆前系统故障，延误一日备案"
    assert note["rule"]["article"] == "第十六条"


def test_weihai_article_16_an_exception_refused_credits_nothing_and_says_why(weihai):
    project_id = _file_at(weihai, datetime(2024, 9, 27, 16, 1, tzinfo=UTC))
    decided = _decide(weihai, project_id, lead_time_exception={
        "granted": False, "reason": "无正当理由"})
    assert decided.status_code == 200, decided.get_json()

    receipt = _post(weihai, project_id)

    assert receipt["status"] == "rejected"
    [reason] = receipt["reasons"]
    assert reason["code"] == "one_off_filed_too_late"
    assert reason["details"]["exception_refused"] == "无正当理由"
    assert receipt["notes"] == []


def test_weihai_article_16_an_exception_needs_a_one_off_filing_under_a_lead_time(world):
    project_id = world.file_project().get_json()["id"]  # Zibo 2025: no lead time
    refused = world.call("POST", f"/v1/projects/{project_id}/decision", world.regulator,
                         json={"decision": "accepted",
                               "lead_time_exception": {"granted": True, "reason": "x"}})

    assert refused.status_code == 422
    assert refused.get_json()["code"] == "lead_time_exception_invalid"
