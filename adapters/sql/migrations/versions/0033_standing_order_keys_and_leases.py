"""standing orders: the customer's Idempotency-Key (a retried request is one order)

Revision ID: 0033
Revises: 0030
Create Date: 2026-12-07 06:45:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0033'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('standing_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('fingerprint', sa.String(length=64), nullable=True))
    op.create_index('uq_standing_orders_customer_key', 'standing_orders',
                    ['customer_id', 'idempotency_key'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_standing_orders_customer_key', table_name='standing_orders')
    with op.batch_alter_table('standing_orders', schema=None) as batch_op:
        batch_op.drop_column('fingerprint')
        batch_op.drop_column('idempotency_key')
