"""standing orders and their occurrences: scheduled payments, each occurrence written down
once and paid under a key derived from it

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 16:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'standing_orders',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('customer_id', sa.Uuid(), nullable=False),
        sa.Column('from_account_number', sa.String(length=34), nullable=False),
        sa.Column('to_account_number', sa.String(length=34), nullable=True),
        sa.Column('beneficiary_id', sa.Uuid(), nullable=True),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('description', sa.String(length=140), nullable=False),
        sa.Column('rrule', sa.String(length=500), nullable=True),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reminder_id', sa.Uuid(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('amount > 0', name=op.f('ck_standing_orders_amount_positive')),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                                name=op.f('fk_standing_orders_customer_id_customers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_standing_orders')),
    )
    op.create_index('ix_standing_orders_customer', 'standing_orders', ['customer_id'])
    op.create_index('ix_standing_orders_status_due', 'standing_orders',
                    ['status', 'next_due_at'])
    op.create_table(
        'standing_order_occurrences',
        sa.Column('order_id', sa.Uuid(), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('transfer_id', sa.Uuid(), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['order_id'], ['standing_orders.id'],
                                name=op.f('fk_standing_order_occurrences_order_id_standing_orders')),
        sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'],
                                name=op.f('fk_standing_order_occurrences_transfer_id_transfers')),
        sa.PrimaryKeyConstraint('order_id', 'due_at', name=op.f('pk_standing_order_occurrences')),
    )
    op.create_index('ix_standing_order_occurrences_attempt', 'standing_order_occurrences',
                    ['status', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_index('ix_standing_order_occurrences_attempt',
                  table_name='standing_order_occurrences')
    op.drop_table('standing_order_occurrences')
    op.drop_index('ix_standing_orders_status_due', table_name='standing_orders')
    op.drop_index('ix_standing_orders_customer', table_name='standing_orders')
    op.drop_table('standing_orders')
