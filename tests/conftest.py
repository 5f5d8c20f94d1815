"""Fixtures: the app on both databases, a settable clock, and a small world of actors."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from hypothesis import HealthCheck, settings
from sqlalchemy import text

from api.db import db
from app import MIGRATIONS, create_app
from ledger.clock import FixedClock
from ledger.store import Base

from .pgcluster import Cluster, find_bindir

# Tests assert behaviour, never wall-clock time: on a loaded 2-core machine a property
# test's example may take longer than hypothesis's default deadline of 200 ms.
settings.register_profile("ledger", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ledger")

ID_HASH_KEY = "5a" * 32
# 2025-06-10 10:00 in Beijing: Zibo 2025 is in force, Weihai 2019 has lapsed.
START = datetime(2025, 6, 10, 2, 0, tzinfo=UTC)


def _config(tmp_dir, url: str, clock) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "JWT_KEY_PATH": str(tmp_dir / "jwt.pem"),
        "ID_HASH_KEY": ID_HASH_KEY,
        "CLOCK": clock,
    }


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory, key_dir):
    """A migrated database in a throwaway cluster; in CI a missing PostgreSQL fails."""
    if os.environ.get("TEST_DATABASE_URL"):
        url = os.environ["TEST_DATABASE_URL"]
        cluster = None
    else:
        bindir = find_bindir()
        if bindir is None:
            message = "PostgreSQL is not installed (make test installs it)"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        cluster = Cluster(bindir).start()
        url = cluster.create_database("ledger_test")
    app = create_app(_config(key_dir, url, FixedClock(START)))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    yield url
    if cluster is not None:
        cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, key_dir):
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    app = create_app(_config(key_dir, f"sqlite:///{path}", FixedClock(START)))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    return path


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def app(request, backend, tmp_path, key_dir, clock):
    if backend == "sqlite":
        path = tmp_path / "ledger.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
    app = create_app(_config(key_dir, url, clock))
    if backend == "postgresql":
        with app.app_context():
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world(app, client, clock):
    from .world import World

    return World(app, client, clock)
