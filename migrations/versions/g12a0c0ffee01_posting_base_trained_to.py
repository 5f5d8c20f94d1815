"""posting by base and training date, for revocations that void credits from a date

Revision ID: g12a0c0ffee01
Revises: c10a1b2c3d4e
Create Date: 2026-11-23 01:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'g12a0c0ffee01'
down_revision = 'c10a1b2c3d4e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_posting_base_trained_to', 'posting', ['base_id', 'trained_to'],
                    unique=False)


def downgrade():
    op.drop_index('ix_posting_base_trained_to', table_name='posting')
