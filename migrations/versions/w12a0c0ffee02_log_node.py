"""log_node: the hashes of the log's perfect subtrees above the tiles

Revision ID: w12a0c0ffee02
Revises: v12a0c0ffee01
Create Date: 2026-11-23 07:40:00

An inclusion proof in a large log needs the hashes of the perfect subtrees its path
passes through; kept per process and built lazily, the first proof in each worker read
every tile (~0.75 s at a million leaves). Sealing now stores each such node as its last
tile completes. The nodes of a log sealed before this revision are computed here from its
tiles (their hashes, not the leaves: 4,000 rows a million leaves).
"""
import hashlib

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'w12a0c0ffee02'
down_revision = 'v12a0c0ffee01'
branch_labels = None
depends_on = None

TILE = 256
CHUNK = 10_000


def _node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()  # RFC 9162 §2.1.1


def upgrade():
    node = op.create_table(
        'log_node',
        sa.Column('start', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('height', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('start', 'height', name=op.f('pk_log_node')),
    )
    connection = op.get_bind()
    # The right edge of the tile tree: at each height, the left half waiting for its
    # right half (a binary counter of tiles, as merkle.Frontier is of leaves).
    pending: dict[int, bytes] = {}
    rows, number = [], 0
    for start, tile in connection.execute(sa.text(
            "SELECT start, hash FROM log_tile ORDER BY start")):
        if start != number * TILE:
            raise RuntimeError(f"log_tile is missing the tile at leaf {number * TILE}")
        value, height = bytes.fromhex(tile), 0
        number += 1
        while number % (1 << (height + 1)) == 0:
            value = _node_hash(pending.pop(height), value)
            height += 1
            rows.append({"start": number * TILE - (TILE << height), "height": height,
                         "hash": value.hex()})
        pending[height] = value
        if len(rows) >= CHUNK:
            op.bulk_insert(node, rows)
            rows = []
    if rows:
        op.bulk_insert(node, rows)


def downgrade():
    op.drop_table('log_node')
