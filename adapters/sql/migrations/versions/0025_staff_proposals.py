"""maker-checker proposals of sensitive staff actions; a disabled member of staff

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 19:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff_proposals',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('customer_number', sa.String(length=20), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('reason', sa.String(length=280), nullable=False),
        sa.Column('proposed_by', sa.Uuid(), nullable=False),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=24), nullable=False),
        sa.Column('decided_by', sa.Uuid(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['proposed_by'], ['customers.id'],
                                name=op.f('fk_staff_proposals_proposed_by_customers')),
        sa.ForeignKeyConstraint(['decided_by'], ['customers.id'],
                                name=op.f('fk_staff_proposals_decided_by_customers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_proposals')),
    )
    op.create_index('ix_staff_proposals_proposed', 'staff_proposals', ['proposed_at'])
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('disabled_at')
    op.drop_index('ix_staff_proposals_proposed', table_name='staff_proposals')
    op.drop_table('staff_proposals')
