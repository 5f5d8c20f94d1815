"""A regulator's year through the API and the sweeps, on a simulated clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

from api.db import ledger_context
from ledger.actors import Role
from ledger.services.jobs import run_job


def at(world, day: str, hour: int = 2):
    world.clock.set(datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC))


def apply(world, regulator, **overrides):
    body = {"name": "某学院继续教育基地", "level": "municipal", "jurisdiction": "371000",
            "host_unit": "某学院", "supervising_unit": "市教育局", **overrides}
    response = world.call("POST", "/v1/applications", regulator, json=body)
    return response


def step(world, regulator, application_id, **body):
    return world.call("POST", f"/v1/applications/{application_id}/steps", regulator, json=body)


def test_weihai_recognition_needs_five_days_of_notice_and_an_objection_stops_it(world):
    at(world, "2024-03-01")
    weihai = world.new_client(Role.REGULATOR, "威海市人社局", "371000")
    first = apply(world, weihai).get_json()["id"]
    second = apply(world, weihai, name="另一基地", host_unit="另一单位").get_json()["id"]
    for app_id in (first, second):
        step(world, weihai, app_id, step="recommend", note="区人社局推荐")
        step(world, weihai, app_id, step="pass_review", on="2024-03-05", note="专家评审通过")

    too_soon = step(world, weihai, first, step="recognise", registry_number="WH-2024-01")
    assert too_soon.get_json()["code"] == "public_notice_required"

    opened = step(world, weihai, first, step="open_notice", on="2024-03-06").get_json()
    step(world, weihai, second, step="open_notice", on="2024-03-06")
    # 威海 第五条 不少于5天, the opening day not counted (民法典 第二百零一条): 7th to 11th.
    assert opened["notice_until"] == "2024-03-11"
    step(world, weihai, second, step="object", note="群众反映师资造假")

    at(world, "2024-03-11")
    assert run_job(ledger_context(), "notices") == []  # still running on its last day
    at(world, "2024-03-12")
    assert run_job(ledger_context(), "notices") == [
        {"application_id": first, "status": "notice_closed"}]

    recognised = step(world, weihai, first, step="recognise", registry_number="WH-2024-01",
                      term_end="2027-03-10").get_json()
    assert recognised["status"] == "recognised"
    assert [s["step"] for s in recognised["steps"]] == [
        "recommend", "pass_review", "open_notice", "close_notice", "recognise"]
    assert recognised["steps"][-1]["rule"]["article"] == "第五条"
    standing = world.call("GET", f"/v1/bases/{recognised['base_id']}/standing", weihai,
                          query_string={"on": "2024-03-12"}).get_json()
    assert standing["status"] == "recognised"
    objected = step(world, weihai, second, step="recognise", registry_number="WH-2024-02")
    assert objected.get_json()["code"] == "application_step_invalid"


def test_shanghai_does_not_hear_an_institution_that_lost_its_status(world):
    at(world, "2025-03-01")
    shanghai = world.new_client(Role.REGULATOR, "上海市人社局", "310000")
    base_id = world.new_base("旧基地", jurisdiction="310000", registry_number="SH-1",
                             recognised_on=date(2021, 1, 1), by=shanghai)
    world.call("POST", f"/v1/bases/{base_id}/standing-events", shanghai,
               json={"type": "revoked", "effective_on": "2025-03-01", "reason": "考核不合格"})

    again = apply(world, shanghai, jurisdiction="310000", host_unit="旧基地建设单位")
    fresh = apply(world, shanghai, jurisdiction="310000", host_unit="新单位")

    assert again.status_code == 422
    assert again.get_json()["code"] == "applicant_barred"
    assert again.get_json()["details"]["rule"]["article"] == "第二十五条"
    assert fresh.status_code == 201


def test_a_zibo_plan_needs_its_supervising_unit_then_its_items_credit(world):
    at(world, "2025-12-15")
    plan = world.call("POST", f"/v1/bases/{world.base_id}/plans", world.base, json={
        "year": 2026, "summary": "2025年完成培训12期",
        "items": [{"title": "BIM技术研修", "subject": "professional", "field": "工程",
                   "mode": "classroom", "start_on": "2026-04-01", "end_on": "2026-04-02",
                   "hours": "16.0", "fee": "400.00", "capacity": 60}]})
    assert plan.status_code == 201, plan.get_json()
    plan_id = plan.get_json()["id"]

    unapproved = world.call("POST", f"/v1/plans/{plan_id}/filing", world.regulator)
    assert unapproved.get_json()["code"] == "plan_needs_supervisor"
    world.call("POST", f"/v1/plans/{plan_id}/approval", world.regulator,
               json={"approver": "淄博市教育局"})
    filed = world.call("POST", f"/v1/plans/{plan_id}/filing", world.regulator).get_json()
    assert filed["status"] == "filed"

    project = world.call("GET", f"/v1/bases/{world.base_id}/projects", world.base
                         ).get_json()[-1]
    assert project["plan_year"] == 2026 and project["submitted_on"] == "2025-12-15"
    at(world, "2026-04-03")
    receipt = world.post(world.item(project["id"], hours="16.0",
                                    training_dates=["2026-04-01", "2026-04-02"])
                         ).get_json()["receipts"][0]
    assert receipt["status"] == "credited", receipt


def test_missing_plans_inactivity_and_reminders_are_swept_once(world):
    at(world, "2025-12-05")
    assert {"base_id": world.base_id, "reminder": "annual_plan",
            "deadline": "2025-12-31"} in run_job(ledger_context(), "reminders")
    assert run_job(ledger_context(), "reminders") == []
    reminders = world.call("GET", f"/v1/bases/{world.base_id}/reminders", world.base).get_json()
    assert reminders[0]["deadline"] == "2025-12-31"

    at(world, "2026-01-02")
    found = run_job(ledger_context(), "missing-annual-plans")
    assert {"base_id": world.base_id, "proposal": "rectification", "year": 2026} in found
    assert run_job(ledger_context(), "missing-annual-plans") == []
    proposal = next(p for p in world.call("GET", "/v1/proposals", world.regulator).get_json()
                    if p["base_id"] == world.base_id)
    ordered = world.call("POST", f"/v1/proposals/{proposal['id']}/decision", world.regulator,
                         json={"decision": "accepted", "effective_on": "2026-01-05",
                               "due_on": "2026-02-28"})
    assert ordered.status_code == 200, ordered.get_json()
    standing = world.call("GET", f"/v1/bases/{world.base_id}/standing", world.regulator,
                          query_string={"on": "2026-01-06"}).get_json()
    assert standing["status"] == "rectifying" and standing["rectification_due"] == "2026-02-28"


def test_changzhou_inactivity_for_a_year_is_proposed_for_revocation(world):
    at(world, "2024-01-02")
    changzhou = world.new_client(Role.REGULATOR, "常州市人社局", "320400")
    quiet = world.new_base("沉寂基地", jurisdiction="320400", registry_number="CZ-1",
                           recognised_on=date(2024, 1, 2), by=changzhou)
    zibo_quiet = world.base_id  # Zibo sets no inactivity rule

    at(world, "2025-01-01")
    assert run_job(ledger_context(), "inactivity") == []  # 365 days, not more
    at(world, "2025-01-03")
    found = run_job(ledger_context(), "inactivity")

    assert [c["base_id"] for c in found] == [quiet]
    assert zibo_quiet not in [c["base_id"] for c in found]
    proposal = world.call("GET", "/v1/proposals", changzhou).get_json()[0]
    assert proposal["citation"]["article"] == "第八条"


def test_assessment_facts_a_published_result_and_changes_in_the_register(world):
    project = world.accepted_project()
    at(world, "2025-06-23")
    world.post(world.item(project))

    facts = world.call("GET", f"/v1/bases/{world.base_id}/assessment-facts", world.regulator,
                       query_string={"year": 2025}).get_json()["facts"]
    assert facts["trained"]["people"] == 1
    assert facts["trained"]["minimum"]["count"] == 500  # 淄博 第八条
    assert facts["trained"]["meets_minimum"] is False
    # The 2025 plan was due by 2024-12-31, before 淄博 2025 took effect: no deadline then.
    assert facts["annual_plan"]["deadline"] is None and facts["annual_plan"]["on_time"] is None

    world.call("POST", f"/v1/bases/{world.base_id}/assessments", world.regulator,
               json={"year": 2025, "outcome": "fail", "note": "培训规模不足", "publish": True})
    world.call("POST", f"/v1/bases/{world.base_id}/changes", world.regulator,
               json={"field": "name", "new": "淄博市工程师学院", "effective_on": "2025-07-01"})

    entry = next(r for r in world.call("GET", "/v1/registry/bases").get_json()
                 if r["id"] == world.base_id)
    assert entry["assessments"] == [{"year": 2025, "outcome": "fail"}]
    assert entry["name"] == "淄博市工程师学院"
    assert entry["changes"][0] | {} == {"field": "name", "old": "淄博基地",
                                        "new": "淄博市工程师学院",
                                        "effective_on": "2025-07-01"}


def test_zibo_article_25_a_provincial_base_applies_directly(world):
    at(world, "2025-06-01")
    provincial = apply(world, world.regulator, jurisdiction="370300", holds_level="provincial",
                       host_unit="省级基地单位").get_json()["id"]
    ordinary = apply(world, world.regulator, jurisdiction="370300",
                     host_unit="普通单位").get_json()["id"]

    direct = step(world, world.regulator, provincial, step="pass_review")
    needs_recommendation = step(world, world.regulator, ordinary, step="pass_review")

    assert direct.get_json()["status"] == "reviewed"
    assert needs_recommendation.get_json()["code"] == "application_step_invalid"
    recognised = step(world, world.regulator, provincial, step="recognise",
                      registry_number="ZB-P-1").get_json()
    assert recognised["status"] == "recognised"  # 淄博 sets no notice period
