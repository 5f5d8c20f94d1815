"""ledger.store.any_of: one array parameter on PostgreSQL, an expanding IN on SQLite; on
both it must select exactly the rows whose column is one of the values, for none, one,
and more values than psycopg's 65,535 bind parameters, through the statement cache."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import BigInteger, Column, MetaData, String, Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from api.db import db
from ledger.store.any_of import AnyOf, any_of

ROWS = 70_000  # more than psycopg's 65,535 parameters in one statement
probe_md = MetaData()
probe = Table("any_of_probe", probe_md, Column("id", BigInteger, primary_key=True),
              Column("tag", String(20), nullable=False))


@pytest.fixture
def table(app):
    probe_md.drop_all(db.engine)
    probe_md.create_all(db.engine)
    with db.engine.begin() as conn:
        conn.execute(insert(probe), [{"id": i, "tag": f"t{i % 1000}"} for i in range(ROWS)])
    yield probe
    db.session.remove()
    probe_md.drop_all(db.engine)


def ids(values, column=None) -> list[int]:
    column = probe.c.id if column is None else column
    with db.engine.connect() as conn:
        return sorted(conn.scalars(select(probe.c.id).where(any_of(column, values))))


def test_renders_one_array_parameter_on_postgresql_and_in_elsewhere():
    clause = select(probe.c.id).where(any_of(probe.c.id, range(5000)))
    pg = str(clause.compile(dialect=postgresql.dialect()))
    assert "= ANY (" in pg and " IN " not in pg
    assert pg.count("%(") == 1
    lite = str(clause.compile(dialect=sqlite.dialect()))
    assert " IN (" in lite and "ANY" not in lite


def test_more_values_than_bind_parameters(table):
    wanted = list(range(0, ROWS, 1))[:66_000] + [ROWS + 5, -1]
    assert ids(wanted) == list(range(66_000))


def test_no_values_match_nothing(table):
    assert ids([]) == []
    assert ids(set()) == []


def test_strings_and_repeats(table):
    assert ids(["t7", "t7", "nope"], probe.c.tag) == list(range(7, ROWS, 1000))


def test_a_cached_statement_takes_each_new_statement_s_values(table):
    # The same shape twice: the second compiled form comes from the cache.
    assert ids([1, 2, 3]) == [1, 2, 3]
    assert ids([40_000]) == [40_000]
    assert ids([]) == []
    assert ids([9, 8]) == [8, 9]


def test_a_named_parameter_takes_its_values_at_execution(table):
    statement = select(probe.c.id).where(AnyOf(probe.c.id, None, key="wanted"))
    with db.engine.connect() as conn:
        assert sorted(conn.scalars(statement, {"wanted": [3, 1, 70_001]})) == [1, 3]
        assert sorted(conn.scalars(statement, {"wanted": []})) == []


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.integers(min_value=-5, max_value=ROWS + 5), max_size=300))
def test_selects_exactly_the_rows_with_one_of_the_values(table, values):
    assert ids(values) == sorted({v for v in values if 0 <= v < ROWS})
