"""disputes: a customer's case against a posted debit, worked by operators to a deadline

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 15:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'disputes',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('transfer_id', sa.Uuid(), nullable=False),
        sa.Column('customer_id', sa.Uuid(), nullable=False),
        sa.Column('reason', sa.String(length=24), nullable=False),
        sa.Column('description', sa.String(length=1000), nullable=False),
        sa.Column('status', sa.String(length=24), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('due_by', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('assigned_to', sa.Uuid(), nullable=True),
        sa.Column('reversal_id', sa.Uuid(), nullable=True),
        sa.Column('resolution', sa.String(length=1000), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['assigned_to'], ['customers.id'],
                                name=op.f('fk_disputes_assigned_to_customers')),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                                name=op.f('fk_disputes_customer_id_customers')),
        sa.ForeignKeyConstraint(['reversal_id'], ['reversals.id'],
                                name=op.f('fk_disputes_reversal_id_reversals')),
        sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'],
                                name=op.f('fk_disputes_transfer_id_transfers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_disputes')),
        sa.UniqueConstraint('transfer_id', name=op.f('uq_disputes_transfer_id')),
    )
    op.create_index('ix_disputes_customer', 'disputes', ['customer_id', 'opened_at'])
    op.create_index('ix_disputes_status_due', 'disputes', ['status', 'due_by'])


def downgrade() -> None:
    op.drop_index('ix_disputes_status_due', table_name='disputes')
    op.drop_index('ix_disputes_customer', table_name='disputes')
    op.drop_table('disputes')
