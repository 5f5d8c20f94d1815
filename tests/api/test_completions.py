"""Posting completions: idempotency, atomic batches, voids, held postings, the rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from api.db import db
from ledger.store import Entry, Posting

from ..world import id_number


@pytest.fixture
def project(world):
    project_id = world.accepted_project()
    world.clock.set(datetime(2025, 6, 23, 2, tzinfo=UTC))
    return project_id


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_retry_with_the_same_idempotency_key_returns_the_first_receipt(world, project):
    first = world.post(world.item(project), key="batch-1")
    again = world.post(world.item(project), key="batch-1")

    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json()
    assert count(Entry) == 1


def test_the_same_attendance_under_another_external_id_does_not_credit_twice(world, project):
    first = world.post(world.item(project, external_id="c-1")).get_json()["receipts"][0]
    again = world.post(world.item(project, external_id="c-2")).get_json()["receipts"][0]
    both = world.post(world.item(project, external_id="c-3", hours="12.0"),
                      world.item(project, external_id="c-4", hours="12.0"))

    assert first["status"] == "credited"
    # The person's days are full too (ledger/daycap.py): both rules say no.
    assert [r["code"] for r in again["reasons"]] == ["hours_exceed_filing",
                                                    "hours_exceed_daily_cap"]
    assert again["reasons"][0]["details"]["already_credited"] == "24.0"
    assert [r["status"] for r in both.get_json()["receipts"]] == ["rejected", "rejected"]
    assert world.hours(year_from=2025, year_to=2025).get_json()["years"][0]["total"] == "24.0"


def test_the_same_idempotency_key_with_another_body_is_422(world, project):
    world.post(world.item(project), key="batch-1")

    response = world.post(world.item(project, external_id="c-2"), key="batch-1")

    assert response.status_code == 422
    assert response.get_json()["code"] == "idempotency_key_reused"
    assert count(Posting) == 1


def test_a_repeated_external_id_answers_its_first_receipt_and_never_credits_twice(world, project):
    first = world.post(world.item(project)).get_json()["receipts"][0]
    again = world.post(world.item(project)).get_json()["receipts"][0]

    assert again["replayed"] is True
    assert again["entry_id"] == first["entry_id"]
    assert count(Entry) == 1
    assert world.hours(year_from=2025, year_to=2025).get_json()["years"][0]["total"] == "24.0"


def test_an_external_id_reused_for_other_content_is_409(world, project):
    world.post(world.item(project))

    response = world.post(world.item(project, hours="12.0"))

    assert response.status_code == 409
    assert response.get_json()["code"] == "external_id_conflict"


def test_a_batch_is_one_transaction(world, project):
    good = world.item(project, external_id="ok")
    bad = world.item(project, external_id="bad", hours="not a number")

    response = world.post(good, bad)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "items" in response.get_json()["errors"]["json"]
    assert count(Posting) == count(Entry) == 0


def test_a_batch_with_a_repeated_external_id_writes_nothing(world, project):
    response = world.post(world.item(project), world.item(project))

    assert response.status_code == 422
    assert response.get_json()["code"] == "external_id_repeated"
    assert count(Posting) == 0


def test_a_batch_over_1000_items_is_refused(world, project):
    items = [world.item(project, external_id=f"c-{i}") for i in range(1001)]
    response = world.post(*items)
    assert response.status_code == 422
    assert count(Posting) == 0


def test_a_mixed_batch_credits_some_rejects_others_and_keeps_every_posting(world, project):
    other = id_number(456)
    response = world.post(
        world.item(project, external_id="a"),
        world.item(project, external_id="b", id_number=other, name="赵六",
                   assessment="failed"),
        world.item(project, external_id="c", id_number="370303199001011230"))

    statuses = [r["status"] for r in response.get_json()["receipts"]]
    assert statuses == ["credited", "rejected", "rejected"]
    assert response.get_json()["summary"]["credited"] == 1
    assert count(Posting) == 3
    bad_id = response.get_json()["receipts"][2]["reasons"][0]
    assert bad_id["code"] == "identity_invalid"
    assert bad_id["rule"]["source"] == "GB 11643-1999"


def test_a_lower_case_x_is_the_same_person(world, project):
    from ledger.services import reading

    with_x = next(id_number(i) for i in range(1000) if id_number(i).endswith("X"))
    reading.register_professional(world.ctx, world.regulator, with_x, "钱七", "370303", None)

    receipt = world.post(world.item(project, id_number=with_x.lower(), name="钱七")
                         ).get_json()["receipts"][0]

    assert receipt["status"] == "credited"


def test_a_name_that_does_not_match_the_id_number_is_rejected(world, project):
    receipt = world.post(world.item(project, name="张冠李戴")).get_json()["receipts"][0]
    assert [r["code"] for r in receipt["reasons"]] == ["identity_name_mismatch"]


def test_a_void_appends_a_reversal_and_the_hours_go(world, project):
    posting = world.post(world.item(project)).get_json()["receipts"][0]["posting_id"]

    response = world.call("POST", f"/v1/completions/{posting}/void", world.base,
                          json={"reason": "duplicate roster line"})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "voided"
    kinds = db.session.execute(select(Entry.kind, Entry.hours).order_by(Entry.seq)).all()
    assert [(k, str(h)) for k, h in kinds] == [("credit", "24.0"), ("reversal", "-24.0")]
    record = world.hours(year_from=2025, year_to=2025).get_json()
    assert record["years"][0]["total"] == "0.0"
    assert record["chain"]["intact"] is True
    assert record["not_credited"][0]["status"] == "voided"
    again = world.call("POST", f"/v1/completions/{posting}/void", world.base,
                       json={"reason": "again"})
    assert again.status_code == 409


def test_completions_for_a_pending_filing_are_held_then_credited_on_acceptance(world):
    project = world.file_project().get_json()["id"]
    world.clock.set(datetime(2025, 6, 23, 2, tzinfo=UTC))

    held = world.post(world.item(project)).get_json()["receipts"][0]
    assert held["status"] == "held"
    assert held["reasons"][0]["code"] == "project_filing_pending"

    world.call("POST", f"/v1/projects/{project}/decision", world.regulator,
               json={"decision": "accepted"})

    now = world.call("GET", f"/v1/completions/{held['posting_id']}", world.base).get_json()
    assert now["status"] == "credited" and now["entry_id"] is not None


def test_a_rejected_filing_credits_nothing(world):
    project = world.file_project().get_json()["id"]
    world.call("POST", f"/v1/projects/{project}/decision", world.regulator,
               json={"decision": "rejected", "note": "课程与备案不符"})
    world.clock.set(datetime(2025, 6, 23, 2, tzinfo=UTC))

    receipt = world.post(world.item(project)).get_json()["receipts"][0]

    assert [r["code"] for r in receipt["reasons"]] == ["project_filing_rejected"]


def test_a_project_filed_after_it_started_never_counts_as_filed(world):
    world.clock.set(datetime(2025, 6, 20, 1, tzinfo=UTC))  # 09:00 on the first day
    project = world.accepted_project()
    world.clock.set(datetime(2025, 6, 23, 2, tzinfo=UTC))

    receipt = world.post(world.item(project)).get_json()["receipts"][0]

    assert receipt["status"] == "rejected"
    assert receipt["reasons"][0]["code"] == "project_filed_late"


def test_a_filing_at_3am_beijing_time_is_dated_that_beijing_day(world):
    # 2025-06-19 19:00 UTC is 2025-06-20 03:00 in Beijing: the class's first day.
    world.clock.set(datetime(2025, 6, 19, 19, tzinfo=UTC))

    filed = world.file_project().get_json()

    assert filed["submitted_on"] == "2025-06-20"
    world.call("POST", f"/v1/projects/{filed['id']}/decision", world.regulator,
               json={"decision": "accepted"})
    world.clock.set(datetime(2025, 6, 23, 2, tzinfo=UTC))
    receipt = world.post(world.item(filed["id"])).get_json()["receipts"][0]
    assert receipt["reasons"][0]["code"] == "project_filed_late"


def test_a_base_suspended_on_a_training_day_credits_nothing(world, project):
    world.clock.set(datetime(2025, 6, 21, 1, tzinfo=UTC))
    world.call("POST", f"/v1/bases/{world.base_id}/standing-events", world.regulator,
               json={"type": "suspended", "effective_on": "2025-06-21"})
    world.clock.set(datetime(2025, 6, 23, 2, tzinfo=UTC))

    receipt = world.post(world.item(project)).get_json()["receipts"][0]

    assert receipt["status"] == "rejected"
    reason = receipt["reasons"][0]
    assert reason["code"] == "base_not_in_good_standing"
    assert reason["details"]["days"] == [{"date": "2025-06-21", "status": "suspended"},
                                         {"date": "2025-06-22", "status": "suspended"}]
    assert reason["rule"]["article"] == "第二十三条、第二十四条"  # Zibo 2025


def test_standing_is_decided_as_of_the_training_dates_not_today(world, project):
    world.call("POST", f"/v1/bases/{world.base_id}/standing-events", world.regulator,
               json={"type": "suspended", "effective_on": "2025-06-23"})

    receipt = world.post(world.item(project)).get_json()["receipts"][0]

    assert receipt["status"] == "credited"


def test_a_project_outside_the_bases_scope_is_rejected(world):
    world.base_id = world.new_base("只教专业科目", registry_number="ZB-009",
                                   scope_subjects=["professional"])
    from ledger.actors import Role

    world.base = world.new_client(Role.BASE, "lms", base_id=world.base_id)
    project = world.accepted_project(subject="public")
    world.clock.set(datetime(2025, 6, 23, 2, tzinfo=UTC))

    receipt = world.post(world.item(project, subject="public")).get_json()["receipts"][0]

    assert [r["code"] for r in receipt["reasons"]] == ["project_outside_scope"]


def test_training_dates_after_today_are_rejected(world):
    project = world.accepted_project()
    receipt = world.post(world.item(project)).get_json()["receipts"][0]
    assert [r["code"] for r in receipt["reasons"]] == ["training_date_in_future"]


def test_the_database_refuses_to_update_or_delete_an_entry(world, project):
    world.post(world.item(project))
    db.session.commit()

    for statement in ("UPDATE entry SET hours = 90", "DELETE FROM entry"):
        with pytest.raises(Exception, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))
    assert str(db.session.scalar(select(Entry.hours))) == "24.0"


def test_the_session_refuses_to_update_an_entry(world, project):
    world.post(world.item(project))
    entry = db.session.scalar(select(Entry))
    entry.hours = 90

    with pytest.raises(Exception, match="never updated"):
        db.session.flush()
    db.session.rollback()


def test_the_chain_verifies_whatever_zone_the_clock_speaks(world):
    from zoneinfo import ZoneInfo

    project = world.accepted_project()
    world.clock.set(datetime(2025, 6, 23, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    world.post(world.item(project))

    assert world.hours(year_from=2025, year_to=2025).get_json()["chain"]["intact"] is True


def test_a_name_seen_on_a_posting_does_not_bind_an_unregistered_person(world, project):
    stranger = id_number(901)
    first = world.post(world.item(project, external_id="x-1", id_number=stranger,
                                  name="王小二")).get_json()["receipts"][0]
    second = world.post(world.item(project, external_id="x-2", id_number=stranger,
                                   name="王晓二", hours="8.0",
                                   training_dates=["2025-06-20"])).get_json()["receipts"][0]

    assert first["status"] == "credited"
    # Refused as the same person's hours (filing and day both full), not as another's name.
    assert [r["code"] for r in second["reasons"]] == ["hours_exceed_filing",
                                                     "hours_exceed_daily_cap"]


def test_plan_items_in_zibo_come_with_the_approved_plan(world):
    response = world.file_project(plan_year=2025)

    assert response.status_code == 422
    assert response.get_json()["code"] == "plan_items_come_with_the_plan"
