"""key check values and transfers of professionals between jurisdictions

Revision ID: b10a1d5e7c3f
Revises: 802d77cdaca4
Create Date: 2026-11-23 01:45:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'b10a1d5e7c3f'
down_revision = '802d77cdaca4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('key_check',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_key_check'))
    )
    op.create_table('professional_transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('professional_id', sa.Integer(), nullable=False),
    sa.Column('from_jurisdiction', sa.String(length=6), nullable=True),
    sa.Column('to_jurisdiction', sa.String(length=6), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['completed_by'], ['client.id'], name=op.f('fk_professional_transfer_completed_by_client')),
    sa.ForeignKeyConstraint(['from_jurisdiction'], ['jurisdiction.code'], name=op.f('fk_professional_transfer_from_jurisdiction_jurisdiction')),
    sa.ForeignKeyConstraint(['professional_id'], ['professional.id'], name=op.f('fk_professional_transfer_professional_id_professional')),
    sa.ForeignKeyConstraint(['requested_by'], ['client.id'], name=op.f('fk_professional_transfer_requested_by_client')),
    sa.ForeignKeyConstraint(['to_jurisdiction'], ['jurisdiction.code'], name=op.f('fk_professional_transfer_to_jurisdiction_jurisdiction')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_professional_transfer'))
    )
    with op.batch_alter_table('professional_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_professional_transfer_professional_id'), ['professional_id'], unique=False)


def downgrade():
    with op.batch_alter_table('professional_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_professional_transfer_professional_id'))
    op.drop_table('professional_transfer')
    op.drop_table('key_check')
