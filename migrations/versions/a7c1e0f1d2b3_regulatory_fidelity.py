"""regulatory fidelity: lead-time exceptions, decisions' document numbers, notes, scopes

Revision ID: a7c1e0f1d2b3
Revises: d8a1b2c3d4e5
Create Date: 2026-11-23 01:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c1e0f1d2b3'
down_revision = 'd8a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scope_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('subjects', sa.JSON(), nullable=False),
    sa.Column('district_only', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('document_number', sa.String(length=100), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['base_id'], ['training_base.id'], name=op.f('fk_scope_grant_base_id_training_base')),
    sa.ForeignKeyConstraint(['recorded_by'], ['client.id'], name=op.f('fk_scope_grant_recorded_by_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scope_grant'))
    )
    with op.batch_alter_table('scope_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scope_grant_base_id'), ['base_id'], unique=False)

    with op.batch_alter_table('standing_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_number', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('basis', sa.Text(), nullable=True))
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lead_time_exception', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('lead_time_exception_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('lead_time_exception_on', sa.Date(), nullable=True))
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notes', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('scope_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scope_grant_base_id'))
    op.drop_table('scope_grant')
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.drop_column('notes')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('lead_time_exception_on')
        batch_op.drop_column('lead_time_exception_reason')
        batch_op.drop_column('lead_time_exception')
    with op.batch_alter_table('standing_event', schema=None) as batch_op:
        batch_op.drop_column('basis')
        batch_op.drop_column('document_number')
