"""The migrations create exactly the tables the models describe, on both databases."""

from __future__ import annotations

import hashlib

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, inspect, select

from api.db import db
from app import MIGRATIONS, create_app
from ledger.services.tile_nodes import TILE, completed
from ledger.store import Base, LogNode, LogTile

from ..conftest import _config


def test_the_migrated_schema_matches_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)

    assert diff == []


def test_the_initial_migration_creates_every_table(app):
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_the_log_node_migration_stores_the_nodes_of_tiles_sealed_before_it(tmp_path, clock,
                                                                           key_dir):
    """w12a0c0ffee02 computes log_node from a log sealed without it: the nodes that sealing
    the same tiles would have stored."""
    app = create_app(_config(key_dir, f"sqlite:///{tmp_path / 'old.sqlite3'}", clock))
    tiles = [hashlib.sha256(str(i).encode()).digest() for i in range(13)]
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="v12a0c0ffee01")
        with db.engine.begin() as conn:
            conn.execute(insert(LogTile), [{"start": i * TILE, "hash": h.hex()}
                                           for i, h in enumerate(tiles)])
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            made = {(h, s): v for s, h, v in conn.execute(
                select(LogNode.start, LogNode.height, LogNode.hash))}
        downgrade(directory=MIGRATIONS, revision="v12a0c0ffee01")
        assert "log_node" not in inspect(db.engine).get_table_names()
        db.engine.dispose()

    assert made == {(h, s): v.hex() for h, s, v in completed(0, tiles, lambda h, s: b"")}
    assert len(made) == 6 + 3 + 1  # 13 tiles: 6 pairs, 3 fours, 1 eight
