"""Issue 10 item 7: on PostgreSQL the app connects as a role that may read and append to
the journal and log tables but never UPDATE, DELETE or TRUNCATE them, and owns no table;
migrations run as the owner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.exc import ProgrammingError

from api import scheduler
from api.db import db
from api.keys import rotate_id_key
from app import MIGRATIONS, create_app
from ledger.store import Entry
from ledger.store.grants import APPEND_ONLY_TABLES, owned_tables

from ..conftest import _config

pytestmark = pytest.mark.postgres

OWNER, APP = "ledger_owner_t", "ledger_app_t"


@pytest.fixture
def urls(postgres_url):
    """A database owned by a non-superuser owner role, and the app's role beside it."""
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS ledger_roles"))
        for role in (OWNER, APP):
            if not conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
                conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(text(f"CREATE DATABASE ledger_roles OWNER {OWNER}"))
    admin.dispose()
    base = make_url(postgres_url).set(database="ledger_roles")
    yield (base.set(username=OWNER).render_as_string(hide_password=False),
           base.set(username=APP).render_as_string(hide_password=False))


@pytest.fixture
def app_as_role(urls, key_dir, clock):
    owner_url, app_url = urls
    settings = {**_config(key_dir, app_url, clock), "MIGRATION_DATABASE_URL": owner_url,
                "LEDGER_APP_ROLE": APP}
    with create_app(settings).app_context():
        upgrade(directory=MIGRATIONS)  # as the owner, granting the app role as it goes
        db.engine.dispose()
    app = create_app(settings)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def denied(engine, statement: str) -> bool:
    with engine.connect() as conn:
        try:
            conn.execute(text(statement))
        except ProgrammingError as exc:
            return getattr(exc.orig, "sqlstate", None) == "42501"  # insufficient_privilege
        finally:
            conn.rollback()
    return False


def test_the_app_role_works_but_cannot_rewrite_the_journal(app_as_role, urls, clock, tmp_path):
    from ..world import World

    world = World(app_as_role, app_as_role.test_client(), clock)
    project = world.accepted_project()
    world.clock.set(world.clock.now() + timedelta(days=13))
    receipt = world.post(world.item(project), key="k-1").get_json()["receipts"][0]
    assert receipt["status"] == "credited"
    voided = world.call("POST", f"/v1/completions/{receipt['posting_id']}/void", world.base,
                        json={"reason": "录入错误"})
    assert voided.status_code == 200, voided.get_json()
    assert world.call("POST", "/v1/verifications", world.committee, json={
        "id_number": world.person_id, "name": world.person_name, "year_from": 2025,
        "year_to": 2025, "purpose": "职称评审"}).status_code == 200
    assert scheduler.run_in_app(app_as_role, "expire-terms") is not None
    assert rotate_id_key(app_as_role, tmp_path / "id-hash.key")["keys_in_ring"] == 2

    engine = db.engine
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT current_user")) == APP
        assert owned_tables(conn, APP) == []
        assert conn.scalar(text("SELECT count(*) FROM entry")) == 2
        tables = set(inspect(conn).get_table_names())
    assert set(APPEND_ONLY_TABLES) <= tables
    for table in APPEND_ONLY_TABLES:
        column = next(iter(inspect(engine).get_columns(table)))["name"]
        assert denied(engine, f"UPDATE {table} SET {column} = {column}"), table
        assert denied(engine, f"DELETE FROM {table}"), table
        assert denied(engine, f"TRUNCATE {table}"), table
    assert denied(engine, "ALTER TABLE entry DISABLE TRIGGER USER")
    assert denied(engine, "DELETE FROM professional")

    # The same statements are real ones: the owner may run them.
    owner = create_engine(urls[0])
    try:
        with owner.connect() as conn:
            conn.execute(text(f"TRUNCATE {Entry.__tablename__} CASCADE"))
            conn.rollback()
        assert not denied(owner, "DELETE FROM access_log")
    finally:
        owner.dispose()
