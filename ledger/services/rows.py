"""Bulk inserts of pre-built rows, through the driver itself.

A batch writes up to a few thousand rows into four tables (professional, posting,
entry, log_leaf). SQLAlchemy's Core ``insert(table)`` with a list of dicts spends most
of its time per row binding parameters (``construct_params`` and the type processors
it looks up for every value); the driver's own executemany (SQLite) or COPY
(PostgreSQL) is several times cheaper. The rows here become driver tuples with the
same type processors SQLAlchemy would apply (looked up once per table), so what is
stored is exactly what a Core insert stores: tests/unit/test_rows_fast.py compares them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from psycopg.types.json import Json
from sqlalchemy import JSON, Connection, Date, DateTime, Table, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeDecorator

from .context import Context

# On PostgreSQL, below this many rows COPY's extra round (the ids first) costs more
# than it saves, and a Core executemany is used instead.
COPY_FROM = 64


def inserted_ids(ctx: Context, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` into ``model``'s table in one round; their ids, in the rows' order.

    No row is selected again to learn its id, and neither the ORM's per-row
    bookkeeping nor Core's per-row parameter binding is paid.

    - PostgreSQL: ids taken from the table's sequence up front (nextval is atomic, so
      concurrent writers never share one), then COPY (from COPY_FROM rows) or one
      executemany.
    - SQLite: RETURNING is only ordered for one row per statement, which costs a round
      per row; instead the ids are given up front, as SQLite itself would give them
      (the largest rowid plus one: the tables have no AUTOINCREMENT), and the rows go
      in with the driver's executemany. A unit of work holds SQLite's write lock
      (BEGIN IMMEDIATE), so no other writer can take those ids in between.
    """
    if not rows:
        return []
    table: Table = model.__table__ if hasattr(model, "__table__") else model
    session = ctx.session
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        if len(rows) == 1:
            # One row (a single post): SQLite gives it that same id itself and says
            # which, sparing a statement. Pending ORM rows it may reference go in first.
            session.flush()
            return [_executemany(connection, table, rows, None)]
        # A select autoflushes: pending ORM rows these may reference go in first.
        first = (session.execute(select(func.max(table.c.id))).scalar() or 0) + 1
        ids = list(range(first, first + len(rows)))
        _executemany(connection, table, rows, ids)
        return ids
    # PostgreSQL: the ids from the table's sequence first. A multi-row INSERT …
    # RETURNING with sort_by_parameter_order is one statement but took 0.3 s per 1000
    # rows here (an INSERT … SELECT … ORDER BY over 7000 cast parameters).
    session.flush()  # COPY bypasses the session: the rows it references go first
    if len(rows) == 1:
        # A single post's rows: RETURNING gives the one id in the same round trip.
        _layout_for(connection, table, rows, False)  # refuses unknown keys, as below
        return [connection.execute(insert(table).returning(table.c.id), rows[0]).scalar_one()]
    # The sequence is looked up once: pg_get_serial_sequence in the select list ran per
    # row, a catalog lookup each (1000 ids took 4.5–5.4 ms; now 0.9).
    ids = sorted(connection.execute(
        text("WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(:table, 'id')::regclass"
             " AS seq) SELECT nextval(s.seq) FROM s, generate_series(1, :n)"),
        {"table": table.name, "n": len(rows)}).scalars())
    if len(rows) >= COPY_FROM:
        _copy(connection, table, rows, ids)
    else:
        _layout_for(connection, table, rows, True)  # refuses unknown keys, as above
        connection.execute(insert(table), [{**row, "id": i}
                                           for row, i in zip(rows, ids, strict=True)])
    return ids


def insert_all(ctx: Context, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` in one round, their ids left to the database (in the rows' order:
    SQLite's rowids and PostgreSQL's sequence both count up through one statement)."""
    if not rows:
        return
    session = ctx.session
    session.flush()
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        _executemany(connection, table, rows, None)
    elif len(rows) >= COPY_FROM:
        _copy(connection, table, rows, None)
    else:
        _layout_for(connection, table, rows, False)
        connection.execute(insert(table), list(rows))


class _Layout:
    """How one table's rows with one set of keys become driver tuples on one dialect:
    the columns in order, and the bind processor of each column that has one."""

    def __init__(self, table: Table, dialect: Any, keys: tuple[str, ...], with_id: bool):
        unknown = set(keys) - set(table.c.keys())
        if unknown:
            raise ValueError(f"no such column in {table.name}: {', '.join(sorted(unknown))}")
        self.defaults: list[tuple[str, Any]] = []
        names: list[str] = []
        for column in table.columns:
            if column.key == "id" and with_id:
                continue  # first, below
            if column.key in keys:
                names.append(column.key)
            elif column.default is not None:
                # What Core would fill in for a column the rows leave out.
                if not column.default.is_scalar:
                    raise ValueError(f"{table.name}.{column.key}: only scalar defaults")
                names.append(column.key)
                self.defaults.append((column.key, column.default.arg))
        self.from_row = [name for name in names if name in keys]
        self.columns = (["id"] if with_id else []) + self.from_row + [k for k, _ in
                                                                      self.defaults]
        self.processors = [
            (position, processor, _memo_kind(table.c[name].type))
            for position, name in enumerate(self.columns)
            if (processor := table.c[name].type.dialect_impl(dialect)
                .bind_processor(dialect)) is not None]
        # A table whose keys are all written gets them in one C call per row.
        self.getter = itemgetter(*self.from_row) if len(self.from_row) > 1 else (
            (lambda row: (row[self.from_row[0]],)) if self.from_row else (lambda row: ()))
        self.fixed = tuple(value for _, value in self.defaults)

    def tuples(self, rows: Sequence[dict[str, Any]], ids: Sequence[int] | None
               ) -> list[tuple[Any, ...]]:
        getter, fixed, processors = self.getter, self.fixed, self.processors
        if ids is None:
            built = [(*getter(row), *fixed) for row in rows]
        else:
            built = [(i, *getter(row), *fixed) for row, i in zip(rows, ids, strict=True)]
        if not processors:
            return built
        # A batch stamps every row with the same instant: each distinct date or time is
        # converted once (equal ones convert alike). The postings of one case share
        # their reasons, notes, policy and days (one object each): each JSON value is
        # serialised once per object (by id: every row, so every object, lives through
        # this call). Everything else value by value.
        memos: list[dict[Any, Any] | None] = [None if kind is None else {}
                                              for _, _, kind in processors]
        by_id = [kind == "json" for _, _, kind in processors]
        out = []
        for values in built:
            values = list(values)
            for (position, processor, _), memo, keyed_by_id in zip(processors, memos, by_id,
                                                                    strict=True):
                value = values[position]
                if memo is None:
                    values[position] = processor(value)
                    continue
                key = id(value) if keyed_by_id else value
                if key in memo:
                    values[position] = memo[key]
                else:
                    values[position] = memo[key] = (_json_text(processor(value))
                                                    if keyed_by_id else processor(value))
            out.append(tuple(values))
        return out


def _memo_kind(kind: Any) -> str | None:
    """How a column's converted values are remembered within one call of ``tuples``."""
    inner = kind.impl_instance if isinstance(kind, TypeDecorator) else kind
    if isinstance(inner, DateTime | Date):
        return "instant"
    return "json" if isinstance(inner, JSON) else None


def _json_text(processed: Any) -> Any:
    """A JSON column's bound value as text. SQLAlchemy's psycopg dialect wraps the value
    in psycopg's ``Json``, whose dumper calls ``json.dumps`` on every row it is written
    in; its text, made once here, is the same bytes (the ledger sets no other dumps)."""
    if isinstance(processed, Json):
        return (processed.dumps or json.dumps)(processed.obj)
    return processed


@lru_cache(maxsize=64)
def _layout(table: Table, dialect: Any, keys: tuple[str, ...], with_id: bool) -> _Layout:
    return _Layout(table, dialect, keys, with_id)


def _layout_for(connection: Connection, table: Table, rows: Sequence[dict[str, Any]],
                with_id: bool) -> _Layout:
    return _layout(table, connection.dialect, tuple(rows[0]), with_id)


def _executemany(connection: Connection, table: Table, rows: Sequence[dict[str, Any]],
                 ids: Sequence[int] | None) -> int | None:
    """Insert the rows; the rowid SQLite gave a lone row (executemany does not say)."""
    layout = _layout_for(connection, table, rows, ids is not None)
    quote = connection.dialect.identifier_preparer.quote
    statement = (f"INSERT INTO {quote(table.name)} "
                 f"({', '.join(quote(c) for c in layout.columns)}) "
                 f"VALUES ({', '.join('?' * len(layout.columns))})")  # sqlite3's qmark
    driver = connection.connection.driver_connection
    cursor = driver.cursor()
    try:
        values = layout.tuples(rows, ids)
        if len(values) == 1:
            cursor.execute(statement, values[0])
            return cursor.lastrowid
        cursor.executemany(statement, values)
        return None
    except connection.dialect.dbapi.IntegrityError as error:
        # As a Core insert would raise it, so that unit_of_work retries a lost race.
        raise IntegrityError(statement, None, error) from error
    finally:
        cursor.close()


def _copy(connection: Connection, table: Table, rows: Sequence[dict[str, Any]],
          ids: Sequence[int] | None) -> None:
    layout = _layout_for(connection, table, rows, ids is not None)
    quote = connection.dialect.identifier_preparer.quote
    statement = (f"COPY {quote(table.name)} ({', '.join(quote(c) for c in layout.columns)}) "
                 "FROM STDIN")
    driver = connection.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for values in layout.tuples(rows, ids):
                copy.write_row(values)
    except connection.dialect.dbapi.IntegrityError as error:
        raise IntegrityError(statement, None, error) from error
