"""log_tile keeps its 256 leaf hashes; log_leaf loses an index its (owner, idx) one covers

Revision ID: y12a0c0ffee04
Revises: x12a0c0ffee03
Create Date: 2026-11-23 11:20:00

A committee's verification proves the chain head's leaf: its path within its tile took
the 256 leaf rows of the tile, ~15–30 heap pages of a table that at 10M entries is far
larger than memory. Sealing now keeps a complete tile's leaf hashes with it (8 KiB, kept
out of line and uncompressed on PostgreSQL: hashes do not compress), so the path is one
value of a few pages. The tiles sealed before this revision get theirs here, from their
leaves, where those leaves still hash to the stored tile (where they do not, the column
stays NULL: proofs read the leaves, and ``ledger verify`` names the tile).

Downtime: the backfill reads every sealed leaf hash and writes 8 KiB a tile (~49k tiles,
~400 MB, at 10M entries and their professionals' leaves), in the one transaction that
also holds ``log_leaf`` and ``log_tile`` locked for the index drop and the new column.
Seals and attestations wait for it: run it before the app starts, as ``make serve``
does.

``ix_log_leaf_owner`` (owner) is the prefix of ``ix_log_leaf_owner_idx`` (owner, idx):
every lookup by owner uses either, and each leaf written paid for both.
"""
import hashlib

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'y12a0c0ffee04'
down_revision = 'x12a0c0ffee03'
branch_labels = None
depends_on = None

TILE = 256
TILES_A_READ = 64


def _root(hashes: list[bytes]) -> bytes:
    """MTH of a perfect tile (RFC 9162 §2.1.1), its leaves' hashes given."""
    while len(hashes) > 1:
        hashes = [hashlib.sha256(b"\x01" + hashes[i] + hashes[i + 1]).digest()
                  for i in range(0, len(hashes), 2)]
    return hashes[0]


def upgrade():
    with op.batch_alter_table('log_tile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leaf_hashes', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('log_leaf', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_log_leaf_owner'))
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute("ALTER TABLE log_tile ALTER COLUMN leaf_hashes SET STORAGE EXTERNAL")
    tiles = dict(connection.execute(sa.text("SELECT start, hash FROM log_tile")).all())
    starts = sorted(tiles)
    for first in range(0, len(starts), TILES_A_READ):
        group = starts[first:first + TILES_A_READ]
        hashes: dict[int, list[bytes]] = {start: [] for start in group}
        for idx, leaf_hash in connection.execute(sa.text(
                "SELECT idx, leaf_hash FROM log_leaf WHERE idx >= :low AND idx < :high "
                "ORDER BY idx"), {"low": group[0], "high": group[-1] + TILE}):
            start = idx - idx % TILE
            if start in hashes:
                hashes[start].append(bytes.fromhex(leaf_hash))
        rows = [{"start": start, "blob": b"".join(leaf)} for start, leaf in hashes.items()
                if len(leaf) == TILE and _root(leaf).hex() == tiles[start]]
        if rows:
            connection.execute(sa.text(
                "UPDATE log_tile SET leaf_hashes = :blob WHERE start = :start"), rows)


def downgrade():
    with op.batch_alter_table('log_leaf', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_log_leaf_owner'), ['owner'], unique=False)
    with op.batch_alter_table('log_tile', schema=None) as batch_op:
        batch_op.drop_column('leaf_hashes')
