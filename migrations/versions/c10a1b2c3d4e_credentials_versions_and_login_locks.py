"""credentials versions (tokens die with a reset or rotation) and password lock-outs

Revision ID: c10a1b2c3d4e
Revises: f11a1b2c3d4e
Create Date: 2026-11-23 01:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c10a1b2c3d4e'
down_revision = 'f11a1b2c3d4e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('client') as batch:
        batch.add_column(sa.Column('credentials_version', sa.Integer(), server_default='0',
                                   nullable=False))
    with op.batch_alter_table('professional') as batch:
        batch.add_column(sa.Column('credentials_version', sa.Integer(), server_default='0',
                                   nullable=False))
        batch.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0',
                                   nullable=False))
        batch.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('professional') as batch:
        batch.drop_column('locked_until')
        batch.drop_column('failed_logins')
        batch.drop_column('credentials_version')
    with op.batch_alter_table('client') as batch:
        batch.drop_column('credentials_version')
