"""A revocation that voids more credits than one statement may carry parameters for
(psycopg's limit is 65,535), on a journal generated with COPY: every credit in range is
reversed exactly once, earlier reversals are respected, and every chain still verifies."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, text

from api.db import db
from tests import scale

VOID_FROM = date(2025, 6, 1)
PSYCOPG_PARAMETER_LIMIT = 65_535


@contextmanager
def psycopg_connection():
    raw = db.engine.raw_connection()
    try:
        yield raw.driver_connection
    finally:
        raw.close()


@contextmanager
def widest_statement():
    """Record the most bind parameters any one statement (or executemany row) carried."""
    widest = [0]

    def record(_conn, _cursor, _statement, parameters, _context, executemany):
        rows = parameters if executemany else [parameters]
        widest[0] = max([widest[0], *(len(row or ()) for row in rows)])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield widest
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def scalar(sql: str, **params) -> int:
    return db.session.execute(text(sql), params).scalar_one()


IN_RANGE_UNREVERSED = """
    SELECT count(*) FROM entry c JOIN posting p ON p.id = c.posting_id
    LEFT JOIN entry r ON r.reverses_id = c.id
    WHERE c.kind = 'credit' AND c.base_id = :base AND p.trained_to >= :d AND r.id IS NULL"""


@pytest.mark.parametrize("backend", ["postgresql"])
def test_revoking_seventy_thousand_credits_reverses_each_once_and_keeps_every_chain(world):
    base, other = world.base_id, world.new_base("另一基地", registry_number="ZB-002")
    project = world.accepted_project()
    dates = [date(2025, 5, 20), date(2025, 6, 1), date(2025, 6, 12), date(2025, 6, 21)]
    with psycopg_connection() as conn:
        many = scale.write(conn, scale.Cohort(base, project, professionals=26_000,
                                              credits_each=4, trained_on=dates,
                                              reversed_every=10))
        # One professional whose chain crosses several of the revocation's chunks.
        long_chain = scale.write(conn, scale.Cohort(base, project, professionals=1,
                                                    credits_each=12_000,
                                                    trained_on=[date(2025, 6, 15)]))
        scale.write(conn, scale.Cohort(other, project, professionals=2_000, credits_each=2,
                                       trained_on=[date(2025, 6, 21)]))
    # Of every four credits three are in range, and every tenth was voided by the base.
    in_range = sum(1 for k in range(1, many.credits + 1)
                   if (k - 1) % 4 != 0 and k % 10 != 0) + long_chain.credits
    assert in_range > PSYCOPG_PARAMETER_LIMIT
    assert scalar(IN_RANGE_UNREVERSED, base=base, d=VOID_FROM) == in_range
    earlier = scalar("SELECT count(*) FROM entry WHERE kind = 'reversal'")

    world.clock.set(datetime(2025, 7, 3, 2, tzinfo=UTC))
    with widest_statement() as widest:
        revoked = world.call("POST", f"/v1/bases/{base}/standing-events", world.regulator,
                             json={"type": "revoked", "effective_on": "2025-07-03",
                                   "void_from": VOID_FROM.isoformat(), "misconduct": True,
                                   "reason": "只收费不培训",
                                   "document_number": "淄人社字〔2025〕99号",
                                   "basis": "淄博 第二十四条：乱办班、只收费不培训"})
    assert revoked.status_code == 201, revoked.get_json()

    assert widest[0] < 2 * 5_000 + 16  # a chunk's worth, not the credits'
    assert scalar(IN_RANGE_UNREVERSED, base=base, d=VOID_FROM) == 0
    assert scalar("SELECT count(*) FROM entry WHERE kind = 'reversal' AND reason LIKE :r",
                  r="%只收费不培训%") == in_range
    assert scalar("SELECT count(*) FROM entry WHERE kind = 'reversal'") == earlier + in_range
    assert scalar("SELECT count(*) FROM (SELECT reverses_id FROM entry WHERE reverses_id "
                  "IS NOT NULL GROUP BY reverses_id HAVING count(*) > 1) twice") == 0
    # Training before void_from, and the other base, keep their credits.
    assert scalar("SELECT count(*) FROM entry c JOIN posting p ON p.id = c.posting_id "
                  "JOIN entry r ON r.reverses_id = c.id WHERE p.trained_to < :d",
                  d=VOID_FROM) == sum(1 for k in range(10, many.credits + 1, 10)
                                      if (k - 1) % 4 == 0)
    assert scalar("SELECT count(*) FROM entry WHERE base_id = :b AND kind = 'reversal'",
                  b=other) == 0
    statuses = dict(db.session.execute(text(
        "SELECT status, count(*) FROM posting WHERE base_id = :b AND trained_to >= :d "
        "GROUP BY status"), {"b": base, "d": VOID_FROM}).all())
    assert statuses == {"voided": in_range + many.reversed - sum(
        1 for k in range(10, many.credits + 1, 10) if (k - 1) % 4 == 0)}
    assert scalar("SELECT count(*) FROM posting WHERE base_id = :b AND trained_to < :d "
                  "AND status = 'credited'", b=base, d=VOID_FROM) > 0
    db.session.rollback()
    with psycopg_connection() as conn:
        assert list(scale.broken_chains(conn)) == []
