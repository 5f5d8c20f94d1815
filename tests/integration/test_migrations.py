"""The migrations create exactly the tables the models describe, on both databases."""

from __future__ import annotations

import hashlib

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, inspect, select

from api.db import db
from app import MIGRATIONS, create_app
from ledger import merkle
from ledger.services.tile_nodes import TILE, completed
from ledger.store import Base, LogLeaf, LogNode, LogTile

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


def test_the_tile_leaves_migration_keeps_the_leaf_hashes_of_tiles_sealed_before_it(
        tmp_path, clock, key_dir):
    """y12a0c0ffee04 stores each sealed tile's leaf hashes from its leaves, as sealing now
    does, across its reads of 64 tiles; not for a tile its leaves no longer make or one
    missing a leaf (proofs read those leaves). It drops ix_log_leaf_owner, and the
    downgrade puts it back."""
    app = create_app(_config(key_dir, f"sqlite:///{tmp_path / 'old.sqlite3'}", clock))
    tiles = 70  # two reads of the backfill
    hashes = [hashlib.sha256(str(i).encode()).digest() for i in range(tiles * TILE + 10)]
    tile_hashes = {start: merkle.root_of(hashes[start:start + TILE])
                   for start in range(0, tiles * TILE, TILE)}
    tile_hashes[TILE] = b"\x05" * 32  # its leaves were altered since it was sealed
    missing = 65 * TILE + 3  # a leaf deleted from the second read's second tile
    leaf_rows = [{"idx": i, "kind": "test", "ref_id": i, "owner": None, "data": "{}",
                  "leaf_hash": h.hex(), "created_at": clock.now()}
                 for i, h in enumerate(hashes) if i != missing]
    leaf_rows.append({**leaf_rows[0], "idx": None, "ref_id": -1})  # not sealed yet
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="x12a0c0ffee03")
        with db.engine.begin() as conn:
            conn.execute(insert(LogLeaf), leaf_rows)
            conn.execute(insert(LogTile), [{"start": s, "hash": h.hex()}
                                           for s, h in tile_hashes.items()])
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            kept = dict(conn.execute(select(LogTile.start, LogTile.leaf_hashes)).all())
        indexes_after = {i["name"] for i in inspect(db.engine).get_indexes("log_leaf")}
        downgrade(directory=MIGRATIONS, revision="x12a0c0ffee03")
        columns = {c["name"] for c in inspect(db.engine).get_columns("log_tile")}
        indexes_before = {i["name"] for i in inspect(db.engine).get_indexes("log_leaf")}
        db.engine.dispose()

    assert {start for start, blob in kept.items() if blob is None} == {TILE, 65 * TILE}
    assert all(blob == b"".join(hashes[start:start + TILE])
               for start, blob in kept.items() if blob is not None)
    assert len(kept) == tiles
    assert "ix_log_leaf_owner" not in indexes_after
    assert {"ix_log_leaf_owner", "ix_log_leaf_owner_idx"} <= indexes_before
    assert "leaf_hashes" not in columns
