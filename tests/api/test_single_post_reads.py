"""Issue 12 item 3: a post reads nothing it knows is empty (a professional created in
this request has no entries, chain, credited days or attendance), and every rule still
holds for the same person's later postings. On both databases."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from api.db import db
from ledger.journal import GENESIS
from ledger.store import Entry

from ..world import id_number

HISTORY_TABLES = ("entry", "attendance", "anomaly_flag")


@pytest.fixture
def statements(app):
    """The SQL each request runs, recorded per call of ``seen.clear()``."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(" ".join(statement.split()))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def reads_of(seen: list[str], table: str) -> list[str]:
    """Reads of ``table``'s rows; not SQLite's id allocation (rows.inserted_ids)."""
    return [s for s in seen if s.startswith("SELECT") and re.search(rf"\bFROM {table}\b", s)
            and not s.startswith(f"SELECT max({table}.id)")]


@pytest.fixture
def one_day(world):
    """A project of one day, 20 June, 8 hours, and another the same day; training done."""
    project = world.accepted_project(start_on="2025-06-20", end_on="2025-06-20", hours="8.0")
    world.other_project = world.accepted_project(
        start_on="2025-06-20", end_on="2025-06-20", hours="8.0", title="另一个研修班")
    world.clock.set(datetime(2025, 6, 22, 2, tzinfo=UTC))
    return project


def new_person(world, project, external_id, serial=501, **overrides):
    return world.item(project, external_id, id_number=id_number(serial), name="赵六",
                      training_dates=["2025-06-20"], **overrides)


def chain_of(world, posting_ids):
    return list(db.session.execute(
        select(Entry.seq, Entry.prev_hash, Entry.hash, Entry.hours)
        .where(Entry.posting_id.in_(posting_ids)).order_by(Entry.seq)))


def test_a_new_professional_post_reads_no_history_and_a_known_one_does(world, one_day,
                                                                       statements):
    statements.clear()
    first = world.post(new_person(world, one_day, "n-1", hours="3.0"))
    assert first.get_json()["receipts"][0]["status"] == "credited"
    for table in HISTORY_TABLES:
        assert reads_of(statements, table) == [], table

    statements.clear()
    again = world.post(new_person(world, one_day, "n-2", hours="2.0"))
    assert again.get_json()["receipts"][0]["status"] == "credited"
    # The same person, now known: the cap and the chain are read from the database.
    assert reads_of(statements, "entry") and reads_of(statements, "attendance")


def test_a_professional_created_earlier_still_meets_the_daily_cap_and_continues_the_chain(
        world, one_day):
    other = world.other_project
    first = world.post(new_person(world, one_day, "n-1", hours="6.0"))
    second = world.post(new_person(world, other, "n-2", hours="5.0"))
    third = world.post(new_person(world, other, "n-3", hours="1.0"))

    one = first.get_json()["receipts"][0]
    two = second.get_json()["receipts"][0]
    assert one["status"] == "credited" and one["hours"] == "6.0"
    assert two["status"] == "credited" and two["hours"] == "2.0"  # 6 already that day
    assert [n["code"] for n in two["notes"]] == ["hours_exceed_daily_cap"]
    full = third.get_json()["receipts"][0]
    assert full["status"] == "rejected"
    assert [r["code"] for r in full["reasons"]] == ["hours_exceed_daily_cap"]

    chain = chain_of(world, [one["posting_id"], two["posting_id"]])
    assert [(seq, hours) for seq, _, _, hours in chain] == [(1, 6), (2, 2)]
    assert chain[0].prev_hash == GENESIS and chain[1].prev_hash == chain[0].hash


def test_two_items_of_one_new_professional_in_a_batch_share_the_cap_and_one_chain(
        world, one_day):
    response = world.post(new_person(world, one_day, "n-1", hours="6.0"),
                          new_person(world, world.other_project, "n-2", hours="6.0"))
    assert response.status_code == 200, response.get_json()
    one, two = response.get_json()["receipts"]
    assert (one["hours"], two["hours"]) == ("6.0", "2.0")
    chain = chain_of(world, [one["posting_id"], two["posting_id"]])
    assert [seq for seq, *_ in chain] == [1, 2]
    assert chain[1].prev_hash == chain[0].hash


def test_a_professional_created_earlier_has_the_projects_credits_counted(world, one_day):
    """Standing credits per project are read for a person created in an earlier request:
    the filing's 8 hours, 6 of them credited, leave no room for 5 more."""
    world.post(new_person(world, one_day, "p-1", hours="6.0"))
    later = world.post(new_person(world, one_day, "p-2", hours="5.0")).get_json()
    [reason] = later["receipts"][0]["reasons"]
    assert reason["code"] == "hours_exceed_filing"
    assert reason["details"]["already_credited"] == "6.0"



def standing_reads(seen: list[str]) -> list[str]:
    """Reads of standing events' and scope grants' rows (not the base row's counts)."""
    return [s for s in seen if s.startswith(("SELECT standing_event.", "SELECT scope_grant."))]


def test_a_base_standing_is_read_once_and_a_new_decision_applies_to_the_next_post(
        world, one_day, statements):
    first = world.post(new_person(world, one_day, "s-1", hours="4.0"))
    assert first.get_json()["receipts"][0]["status"] == "credited"
    statements.clear()
    second = world.post(new_person(world, one_day, "s-2", serial=502, hours="4.0"))
    assert second.get_json()["receipts"][0]["status"] == "credited"
    assert standing_reads(statements) == []  # the memo answered

    revoked = world.call("POST", f"/v1/bases/{world.base_id}/standing-events",
                         world.regulator, json={
                             "type": "revoked", "effective_on": "2025-06-19",
                             "reason": "评估不合格，限期整改仍达不到要求",
                             "document_number": "淄人社字〔2025〕40号",
                             "basis": "淄博 第二十三条"})
    assert revoked.status_code in (200, 201), revoked.get_json()
    statements.clear()
    third = world.post(new_person(world, world.other_project, "s-3", serial=503,
                                  hours="4.0")).get_json()["receipts"][0]
    assert standing_reads(statements) != []  # a count moved: read again
    assert third["status"] == "rejected", third
    assert "base_not_in_good_standing" in [r["code"] for r in third["reasons"]]


def test_standing_read_beside_a_row_committed_meanwhile_is_not_memoised(world, monkeypatch):
    """Counts from one snapshot, rows from a later one: kept out of the memo, or a post
    that still saw the old counts would be answered with rows it could not see."""
    from ledger.services import posting_reads

    real = posting_reads._read_standing

    def one_more(ctx, base_id):
        events, grants = real(ctx, base_id)
        return (*events, events[-1]), grants

    monkeypatch.setattr(posting_reads, "_read_standing", one_more)
    ctx = world.ctx
    _row, facts, _projects = posting_reads.base_for_posting(ctx, world.base_id, [1])
    assert len(facts.events) == 2  # this post used what it read
    memo = posting_reads._memo(ctx)
    assert not [key for key in memo.entries if key[0] == world.base_id]
    monkeypatch.setattr(posting_reads, "_read_standing", real)
    _row, facts, _projects = posting_reads.base_for_posting(ctx, world.base_id, [1])
    assert len(facts.events) == 1
    assert [key for key in memo.entries if key[0] == world.base_id] == [(world.base_id, 1, 0)]
    ctx.session.rollback()


def test_the_base_and_its_projects_come_in_one_read(world, one_day, statements):
    """Projects asked for that are another base's, or none at all, are simply absent."""
    from ledger.services import posting_reads

    elsewhere = world.new_base("另一基地", registry_number="ZB-002")
    statements.clear()
    row, facts, projects = posting_reads.base_for_posting(
        world.ctx, world.base_id, [one_day, world.other_project, 10_000])
    assert [s for s in statements if s.startswith("SELECT training_base.")] and len(
        [s for s in statements if "FROM project" in s or "JOIN project" in s]) == 1
    assert row.id == world.base_id and facts.jurisdiction == "370300"
    assert sorted(projects) == sorted([one_day, world.other_project])
    assert projects[one_day].hours == 8 and projects[one_day].base_id == world.base_id
    _row, _facts, none = posting_reads.base_for_posting(world.ctx, elsewhere, [one_day])
    assert none == {}
    assert posting_reads.base_for_posting(world.ctx, 10_000, [one_day]) is None
    world.ctx.session.rollback()
