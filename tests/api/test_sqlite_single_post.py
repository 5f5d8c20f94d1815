"""A single post on SQLite lets SQLite number its one row of each table (issue 12 item
3): no ``SELECT max(id)`` per table, and the ids it answers are the rows it wrote."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from api.db import db
from ledger.store import Entry, Posting, Professional

from ..world import id_number


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL uses INSERT … RETURNING
def test_a_single_post_allocates_no_ids_by_select_and_answers_the_rows_it_wrote(world):
    project = world.accepted_project()
    world.clock.set(datetime(2025, 6, 23, 2, 0, tzinfo=UTC))
    world.post(world.item(project, "c-0"))  # rows already in every table: ids above 1
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = world.post(world.item(project, "c-1", id_number=id_number(777),
                                          name="王五"))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)

    assert response.status_code == 200, response.get_json()
    receipt = response.get_json()["receipts"][0]
    assert receipt["status"] == "credited"
    assert [s for s in seen if "max(" in s] == []
    entry = db.session.get(Entry, receipt["entry_id"])
    posting = db.session.get(Posting, entry.posting_id)
    assert posting.external_id == "c-1"
    assert entry.professional_id == posting.professional_id
    newest = db.session.execute(select(Professional.id).order_by(Professional.id.desc())
                                ).scalars().first()
    assert posting.professional_id == newest
    assert db.session.get(Professional, newest).name == "王五"
