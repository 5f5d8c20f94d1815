"""Bulk inserts of pre-built rows that give back the ids the database assigned."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select

from .context import Context


def inserted_ids(ctx: Context, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` into ``model``'s table in one round; their ids, in the rows' order.

    No row is selected again to learn its id, and the ORM's per-row bookkeeping (most
    of a batch's insert cost) is skipped: these are Core statements on pre-built rows.

    - PostgreSQL: a multi-row INSERT … RETURNING with ``sort_by_parameter_order``
      (SQLAlchemy's insertmanyvalues), so each returned id is matched to its row.
    - SQLite: RETURNING is only ordered for one row per statement, which costs a round
      per row; instead the ids are given up front, as SQLite itself would give them
      (the largest rowid plus one: the tables have no AUTOINCREMENT), and the rows go
      in with one executemany. A unit of work holds SQLite's write lock (BEGIN
      IMMEDIATE), so no other writer can take those ids in between.
    """
    if not rows:
        return []
    table = model.__table__
    session = ctx.session
    if session.get_bind().dialect.name == "sqlite":
        first = (session.execute(select(func.max(table.c.id))).scalar() or 0) + 1
        ids = list(range(first, first + len(rows)))
        session.execute(insert(table), [{**row, "id": i} for row, i in zip(rows, ids,
                                                                             strict=True)])
        return ids
    result = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), list(rows))
    return list(result.scalars())
