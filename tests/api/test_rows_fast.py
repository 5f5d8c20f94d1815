"""The driver's bulk writes (ledger/services/rows.py) store exactly what a Core insert of
the same rows stores, on both databases, above and below COPY's threshold (issue 12)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from api.db import db, ledger_context
from ledger.services.rows import COPY_FROM, insert_all, inserted_ids
from ledger.store import LogLeaf, Posting, Professional

NOW = datetime(2025, 6, 23, 2, 30, 15, 123456, tzinfo=UTC)
text = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=20)
hours = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("9999.9"), places=1)
reason = st.fixed_dictionaries({"code": text, "message": text,
                                "details": st.dictionaries(text, st.integers(-9, 9),
                                                           max_size=2)})


def posting_row(world, project: int, k: int, draw: dict[str, Any]) -> dict[str, Any]:
    day = date(2025, 6, 1) + timedelta(days=k % 20)
    return {
        "base_id": world.base_id, "external_id": f"{draw['tag']}-{k}", "project_id": project,
        "professional_id": None, "id_hash": f"{k:064d}", "id_masked": "370***0000",
        "name": draw["name"], "hours": draw["hours"], "subject": "professional",
        "training_dates": [str(day)], "trained_from": day, "trained_to": day,
        "assessment": "passed", "minutes": draw["minutes"], "content_hash": "0" * 64,
        "received_at": NOW + timedelta(microseconds=k), "status": "credited",
        "reasons": draw["reasons"], "notes": [], "policy": draw["policy"],
        "decided_at": NOW}


def stored(table, ids: list[int]) -> list[tuple[Any, ...]]:
    columns = [c for c in table.columns if c.key != "id"]
    rows = db.session.execute(select(table.c.id, *columns).where(table.c.id.in_(ids))
                              .order_by(table.c.id))
    return [tuple(row[1:]) for row in rows]


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(draw=st.fixed_dictionaries({
    "name": text, "hours": hours, "minutes": st.none() | st.integers(1, 1_000_000),
    "reasons": st.lists(reason, max_size=2),
    "policy": st.none() | st.dictionaries(text, text, max_size=2),
    "size": st.sampled_from([1, 3, COPY_FROM, COPY_FROM + 7])}))
def test_postings_are_stored_as_a_core_insert_stores_them(world, draw):
    project = world._rows_project = getattr(world, "_rows_project", None) or \
        world.accepted_project()
    ctx = ledger_context()
    draw["tag"] = "fast"
    fast = [posting_row(world, project, k, draw) for k in range(draw["size"])]
    draw["tag"] = "core"
    core = [posting_row(world, project, k, draw) for k in range(draw["size"])]
    try:
        fast_ids = inserted_ids(ctx, Posting, fast)
        core_ids = list(db.session.execute(insert(Posting).returning(Posting.id), core)
                        .scalars())
        got, want = stored(Posting.__table__, fast_ids), stored(Posting.__table__, core_ids)
        # The external ids differ by design (unique per base); everything else is equal.
        assert [r[:1] + r[2:] for r in got] == [r[:1] + r[2:] for r in want]
        assert [r[1] for r in got] == [f"fast-{k}" for k in range(draw["size"])]
        assert fast_ids == sorted(fast_ids) and len(set(fast_ids)) == len(fast)
    finally:
        db.session.rollback()


@pytest.mark.parametrize("size", [2, COPY_FROM])
def test_defaults_are_filled_and_leaves_keep_their_order(world, size):
    ctx = ledger_context()
    people = [{"id_hash": f"{k:064x}", "id_masked": "370***0000", "name": f"人{k}",
               "jurisdiction_code": None, "password_hash": None, "created_at": NOW}
              for k in range(size)]
    ids = inserted_ids(ctx, Professional, people)
    for person_id in ids:
        person = db.session.get(Professional, person_id)
        assert (person.credentials_version, person.failed_logins) == (0, 0)
    leaves = [{"kind": "professional", "ref_id": i, "owner": i, "data": f"{{\"n\":{i}}}",
               "leaf_hash": f"{i:064x}", "created_at": NOW} for i in ids]
    insert_all(ctx, LogLeaf.__table__, leaves)
    written = db.session.execute(select(LogLeaf.ref_id, LogLeaf.idx, LogLeaf.created_at)
                                 .where(LogLeaf.ref_id.in_(ids)).order_by(LogLeaf.id)).all()
    assert [r.ref_id for r in written] == ids
    assert all(r.idx is None and r.created_at == NOW for r in written)


@pytest.mark.parametrize("size", [1, COPY_FROM])
def test_a_duplicate_raises_sqlalchemys_integrity_error(world, size):
    ctx = ledger_context()
    people = [{"id_hash": "f" * 64, "id_masked": "370***0000", "name": "同一人",
               "jurisdiction_code": None, "password_hash": None, "created_at": NOW}] * size
    inserted_ids(ctx, Professional, people[:1])
    with pytest.raises(IntegrityError):
        inserted_ids(ctx, Professional, people)
    db.session.rollback()


def test_an_unknown_column_is_refused(world):
    with pytest.raises(ValueError, match="no such column"):
        inserted_ids(ledger_context(), Professional, [{"nickname": "x"}])


def test_json_values_shared_by_rows_are_stored_as_the_same_text_a_core_insert_stores(world):
    from sqlalchemy import Text, cast

    project = world.accepted_project()
    ctx = ledger_context()
    shared = [{"code": "c", "message": "甲\"\\\t", "details": {"n": 1}}]
    policy = {"jurisdiction": "370300", "version": "2025"}

    def rows(tag: str) -> list[dict[str, Any]]:
        out = []
        for k in range(COPY_FROM + 3):
            row = posting_row(world, project, k, {"tag": tag, "name": "名", "hours": Decimal(
                "6"), "minutes": None, "reasons": shared if k % 2 else [{"code": str(k)}],
                "policy": policy if k % 3 else None})
            row["notes"] = shared if k % 5 else []
            out.append(row)
        return out

    def texts(ids: list[int]) -> list[tuple[Any, ...]]:
        columns = [cast(c, Text) for c in (Posting.reasons, Posting.notes, Posting.policy,
                                           Posting.training_dates)]
        return [tuple(r) for r in db.session.execute(
            select(*columns).where(Posting.id.in_(ids)).order_by(Posting.id))]

    try:
        fast_ids = inserted_ids(ctx, Posting, rows("fast"))
        core_ids = list(db.session.execute(insert(Posting).returning(Posting.id),
                                           rows("core")).scalars())
        got = texts(fast_ids)
        assert got == texts(core_ids)
        assert got[0][0] == '[{"code": "0"}]' and got[1][0] != got[0][0]
    finally:
        db.session.rollback()
