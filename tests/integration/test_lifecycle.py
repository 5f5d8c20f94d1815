"""A base's life, driven by a simulated clock and the scheduled sweeps: recognised,
ordered to rectify, overdue, revoked with retroactive voiding; and a term that ends.
The professional's hours are read before and after."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text

from api.db import db, ledger_context
from ledger.actors import Role
from ledger.services.jobs import run_job
from ledger.store import JobRun, Posting, Project


def at(world, day: str, hour: int = 2):
    world.clock.set(datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC))


def event(world, base_id, **body):
    response = world.call("POST", f"/v1/bases/{base_id}/standing-events", world.regulator,
                          json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def credit(world, external_id, start, end, dates, hours="16.0"):
    project = world.accepted_project(start_on=start, end_on=end, hours=hours)
    at(world, end, hour=12)
    receipt = world.post(world.item(project, external_id=external_id, hours=hours,
                                    training_dates=dates)).get_json()["receipts"][0]
    return receipt


def total(world, year=2025):
    record = world.hours(year_from=year, year_to=year).get_json()
    return record["years"][0]["total"], record


@pytest.fixture
def base(world):
    at(world, "2025-01-10")
    base_id = world.new_base("生命周期基地", registry_number="ZB-LC-1", recognised_on=None)
    event(world, base_id, type="recognised", effective_on="2025-01-10",
          term_end="2027-01-09")
    world.base_id = base_id
    world.base = world.new_client(Role.BASE, "LMS", base_id=base_id)
    return base_id


def test_rectification_overdue_proposal_and_retroactive_revocation(world, base):
    at(world, "2025-02-20")
    march = credit(world, "march", "2025-03-03", "2025-03-04", ["2025-03-03", "2025-03-04"])
    assert march["status"] == "credited"

    # Warned: ordered to rectify by the end of June. Its training still credits.
    at(world, "2025-06-01")
    event(world, base, type="rectification_ordered", effective_on="2025-06-01",
          due_on="2025-06-30", reason="师资、档案不全")
    # Warned again before the due date, once.
    at(world, "2025-06-05")
    assert run_job(ledger_context(), "reminders") == [
        {"base_id": base, "reminder": "rectification", "deadline": "2025-06-30"}]
    assert run_job(ledger_context(), "reminders") == []
    june = credit(world, "june", "2025-06-10", "2025-06-11", ["2025-06-10", "2025-06-11"])
    assert june["status"] == "credited"
    assert total(world)[0] == "32.0"

    # The due date passes: the sweep proposes revocation, once.
    at(world, "2025-07-02")
    ctx = ledger_context()
    first = run_job(ctx, "overdue-rectifications")
    again = run_job(ctx, "overdue-rectifications")
    assert [c["proposal"] for c in first] == ["revocation"]
    assert again == []
    proposals = world.call("GET", "/v1/proposals", world.regulator).get_json()
    assert len(proposals) == 1 and proposals[0]["base_id"] == base
    assert proposals[0]["citation"]["article"] == "第二十三条、第二十四条"

    # The regulator revokes, finding 只收费不培训 since June: those credits are void.
    decided = world.call("POST", f"/v1/proposals/{proposals[0]['id']}/decision",
                         world.regulator, json={"decision": "accepted",
                                                "effective_on": "2025-07-03",
                                                "void_from": "2025-06-01", "misconduct": True,
                                                "reason": "只收费不培训",
                                                "document_number": "淄人社字〔2025〕31号",
                                                "basis": "淄博 第二十四条"})
    assert decided.status_code == 200, decided.get_json()

    hours, record = total(world)
    assert hours == "16.0"
    kinds = [(e["kind"], e["hours"]) for e in record["years"][0]["entries"]]
    assert kinds == [("credit", "16.0"), ("credit", "16.0"), ("reversal", "-16.0")]
    reversal = record["years"][0]["entries"][2]
    assert "只收费不培训" in reversal["reason"] and reversal["reverses_id"] == june["entry_id"]
    assert "淄人社字〔2025〕31号" in reversal["reason"] and "淄博 第二十四条" in reversal["reason"]
    assert record["chain"]["intact"] is True
    assert {p["external_id"]: p["status"] for p in record["not_credited"]} == {"june": "voided"}

    # After the revocation nothing credits, and the standing says why.
    at(world, "2025-07-10")
    late = world.post(world.item(world.accepted_project(start_on="2025-07-20",
                                                        end_on="2025-07-20", hours="8.0"),
                                 external_id="late", hours="8.0",
                                 training_dates=["2025-07-20"]))
    assert late.status_code == 200
    at(world, "2025-07-21")
    receipt = world.post(world.item(
        db.session.scalar(select(Project.id).order_by(Project.id.desc())),
        external_id="late-2", hours="8.0", training_dates=["2025-07-20"])).get_json()
    assert receipt["receipts"][0]["reasons"][0]["code"] == "base_not_in_good_standing"


def test_revoking_twice_voids_nothing_twice(world, base):
    at(world, "2025-02-20")
    credit(world, "march", "2025-03-03", "2025-03-04", ["2025-03-03", "2025-03-04"])
    event(world, base, type="revoked", effective_on="2025-04-01", void_from="2025-03-01",
          reason="乱发证", misconduct=True, document_number="淄人社字〔2025〕9号",
          basis="淄博 第二十四条")

    second = world.call("POST", f"/v1/bases/{base}/standing-events", world.regulator,
                        json={"type": "revoked", "effective_on": "2025-04-02"})

    assert second.status_code == 422
    assert total(world)[0] == "0.0"


def test_a_term_ends_on_its_date_and_the_sweep_records_it_once(world):
    at(world, "2025-01-10")
    base_id = world.new_base("短期基地", registry_number="ZB-T-1", recognised_on=None)
    event(world, base_id, type="recognised", effective_on="2025-01-10", term_end="2025-12-31")
    at(world, "2025-12-10")
    assert {"base_id": base_id, "reminder": "term_end", "deadline": "2025-12-31"} in run_job(
        ledger_context(), "reminders")

    at(world, "2026-01-05")
    ctx = ledger_context()
    changes = run_job(ctx, "expire-terms")

    assert {"base_id": base_id, "event": "expired", "effective_on": "2026-01-01"} in changes
    assert run_job(ctx, "expire-terms") == []
    rows = world.call("GET", "/v1/registry/bases", query_string={"on": "2026-01-01"}).get_json()
    assert next(r for r in rows if r["id"] == base_id)["standing"]["status"] == "expired"
    on_last_day = world.call("GET", "/v1/registry/bases",
                             query_string={"on": "2025-12-31"}).get_json()
    assert next(r for r in on_last_day if r["id"] == base_id)["standing"]["good"] is True
    events = world.call("GET", f"/v1/bases/{base_id}/standing-events",
                        world.regulator).get_json()
    assert events[-1]["recorded_by_job"] == "expire-terms"
    assert db.session.scalar(select(JobRun.changes).where(JobRun.job == "expire-terms"))


def test_misconduct_in_weihai_is_kept_as_a_credit_record(world):
    at(world, "2024-03-01")
    weihai = world.new_client(Role.REGULATOR, "威海市人社局", "371000")
    base_id = world.new_base("威海基地", jurisdiction="371000", registry_number="WH-9",
                             recognised_on=date(2024, 1, 2), by=weihai)

    world.call("POST", f"/v1/bases/{base_id}/standing-events", weihai, json={
        "type": "revoked", "effective_on": "2024-03-01", "misconduct": True,
        "reason": "乱收费"})

    records = world.call("GET", f"/v1/bases/{base_id}/misconduct-records", weihai).get_json()
    assert len(records) == 1
    assert records[0]["citation"]["article"] == "第二十条"
    assert records[0]["reason"] == "乱收费"


def test_decide_held_settles_postings_whose_filing_was_decided_meanwhile(world, base):
    at(world, "2025-02-20")
    project = world.file_project(start_on="2025-03-03", end_on="2025-03-03",
                                 hours="8.0").get_json()["id"]
    at(world, "2025-03-04")
    held = world.post(world.item(project, hours="8.0", training_dates=["2025-03-03"])
                      ).get_json()["receipts"][0]
    assert held["status"] == "held"
    # The decision arrives by a path that does not settle held postings itself.
    db.session.get(Project, project).status = "accepted"
    db.session.commit()

    changes = run_job(ledger_context(), "decide-held")

    assert changes == [{"posting_id": held["posting_id"], "status": "credited"}]
    assert db.session.get(Posting, held["posting_id"]).status == "credited"


def test_run_job_cli_prints_the_changes(runner, world):
    result = runner.invoke(args=["ledger", "run-job", "expire-terms"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1]) == {
        "job": "expire-terms", "skipped": False, "changes": []}
    unknown = runner.invoke(args=["ledger", "run-job", "nonesuch"])
    assert unknown.exit_code != 0


def test_the_scheduler_plans_every_job_daily_in_beijing_time(app):
    from api.scheduler import build_scheduler
    from ledger.services.jobs import JOBS

    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(JOBS) | {"seal"}  # the Merkle log is sealed every few minutes
    assert str(jobs["expire-terms"].trigger.timezone) == "Asia/Shanghai"
    assert jobs["seal"].trigger.interval.total_seconds() == 5 * 60


# The advisory lock is PostgreSQL's; SQLite's BEGIN IMMEDIATE serialises runners itself.
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_on_postgresql_a_second_runner_skips_while_the_lock_is_held(app):
    from ledger.services.jobs import _lock_key

    with db.engine.connect() as other:
        other.execute(text("SELECT pg_advisory_lock(:k)"),
                      {"k": _lock_key("expire-terms")})
        try:
            assert run_job(ledger_context(), "expire-terms") is None
        finally:
            other.execute(text("SELECT pg_advisory_unlock(:k)"),
                          {"k": _lock_key("expire-terms")})
            other.commit()
    assert run_job(ledger_context(), "expire-terms") == []
