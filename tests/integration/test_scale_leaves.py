"""The benchmarks' generated journal with its Merkle leaves (tests/scale.py write_range)
is what the app would have logged: each leaf byte for byte what ``log.record`` writes
for the rows read back, ranges written out of order get the ids of one ordered write,
and once sealed (the production sealer, set-based on PostgreSQL) the whole ledger
verifies."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text

from api.db import db, ledger_context
from ledger.services import log
from ledger.services.verify import verify_ledger
from ledger.store import Entry, LogLeaf, Professional
from tests import scale

from .test_revocation_at_scale import psycopg_connection

LOGGED_AT = datetime(2025, 6, 23, 2, tzinfo=UTC)


def expected_leaves(ctx, kind: str, table) -> dict[int, tuple]:
    """What log.record writes for every row of a table, read back as the bench used to."""
    rows = [dict(r) for r in ctx.session.execute(select(table).order_by(table.c.id))
            .mappings()]
    out = {}
    for row in rows:
        leaf = log._leaf_row(kind, row, row["id"], LOGGED_AT)
        out[row["id"]] = (leaf["owner"], leaf["data"], leaf["leaf_hash"])
    return out


@pytest.mark.parametrize("backend", ["postgresql"])
def test_generated_leaves_are_what_log_record_writes_and_the_ledger_verifies(
        world, monkeypatch):
    monkeypatch.setattr(scale, "CHUNK", 7)  # several chunks per range, a partial last one
    cohort = scale.Cohort(world.base_id, world.accepted_project(), professionals=40,
                          credits_each=3, trained_on=[date(2024, 6, 21), date(2025, 6, 21)],
                          reversed_every=5, id_key=bytes.fromhex("5a" * 32),
                          jurisdiction="370300")
    ctx = ledger_context()
    log.seal(ctx)  # the world's own leaves
    seals: list[int] = []
    with psycopg_connection() as conn:
        with conn.cursor() as cur:
            first = scale.next_ids(cur)
        conn.commit()
        # The second range first: its ids must not depend on the first being written.
        late = scale.write_range(conn, cohort, first, 23, 40, leaves_at=LOGGED_AT,
                                 after_commit=lambda: seals.append(log.seal(ctx).size))
        early = scale.write_range(conn, cohort, first, 0, 23, leaves_at=LOGGED_AT,
                                  after_commit=lambda: seals.append(log.seal(ctx).size))
        scale.set_sequences(conn)
    assert (early.professionals, late.professionals) == (23, 17)
    assert early.credits + late.credits == 120
    assert early.reversed + late.reversed == 120 // 5
    assert len(seals) == 3 + 4 and seals == sorted(seals)

    professional_ids = list(range(first["professional"], first["professional"] + 40))
    assert db.session.scalars(select(Professional.id).where(
        Professional.id >= first["professional"]).order_by(Professional.id)).all() \
        == professional_ids
    entry_ids = db.session.scalars(select(Entry.id).where(Entry.id >= first["entry"])
                                   .order_by(Entry.id)).all()
    assert entry_ids == list(range(first["entry"], first["entry"] + 120 + 24))
    with psycopg_connection() as conn:
        assert list(scale.broken_chains(conn, professional_ids)) == []

    for kind, table in (("professional", Professional.__table__),
                        ("entry", Entry.__table__)):
        stored = {ref: (owner, data, leaf_hash) for ref, owner, data, leaf_hash in
                  db.session.execute(select(LogLeaf.ref_id, LogLeaf.owner, LogLeaf.data,
                                            LogLeaf.leaf_hash).where(LogLeaf.kind == kind,
                                                                     LogLeaf.id >= first[
                                                                         "log_leaf"]))}
        expected = expected_leaves(ctx, kind, table)
        assert stored == {ref: expected[ref] for ref in stored}
        assert set(stored) == {ref for ref in expected
                               if ref >= first["professional" if kind == "professional"
                                               else "entry"]}
    leaf_ids = db.session.scalars(select(LogLeaf.id).where(LogLeaf.id >= first["log_leaf"])
                                  .order_by(LogLeaf.id)).all()
    assert leaf_ids == list(range(first["log_leaf"], first["log_leaf"] + 40 + 144))
    assert db.session.scalar(text("SELECT count(*) FROM log_leaf WHERE idx IS NULL")) == 0
    # The sequences moved past the generated ids: the app's next rows do not collide.
    assert db.session.scalar(text("SELECT nextval(pg_get_serial_sequence('log_leaf', 'id'))")) \
        == leaf_ids[-1] + 1
    report = verify_ledger(ctx)
    assert report.findings == []
