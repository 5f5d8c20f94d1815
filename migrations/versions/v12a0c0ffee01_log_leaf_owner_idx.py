"""log_leaf by owner and position, for a chain head's leaf in one index probe

Revision ID: v12a0c0ffee01
Revises: g12a0c0ffee01
Create Date: 2026-11-23 04:50:00

An attestation proves only the chain head: the professional's last entry leaf in the
checkpoint (owner = ? AND idx < size ORDER BY idx DESC LIMIT 1). On the owner index
alone, PostgreSQL may instead walk the unique idx index backwards from the end of a
million-leaf log until it meets one of the professional's leaves.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'v12a0c0ffee01'
down_revision = 'g12a0c0ffee01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_log_leaf_owner_idx', 'log_leaf', ['owner', 'idx'], unique=False)


def downgrade():
    op.drop_index('ix_log_leaf_owner_idx', table_name='log_leaf')
