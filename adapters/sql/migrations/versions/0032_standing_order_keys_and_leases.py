"""standing orders: the customer's Idempotency-Key (a retried request is one order); the
runner's lease token on an occurrence; an order completed while a payment of it may still be
retried is active again (the customer can stop that payment)

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 06:45:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('standing_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('fingerprint', sa.String(length=64), nullable=True))
    op.create_index('uq_standing_orders_customer_key', 'standing_orders',
                    ['customer_id', 'idempotency_key'], unique=True)
    with op.batch_alter_table('standing_order_occurrences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease', sa.Uuid(), nullable=True))
    op.execute(
        "UPDATE standing_orders SET status = 'active' WHERE status = 'completed' AND EXISTS "
        "(SELECT 1 FROM standing_order_occurrences o WHERE o.order_id = standing_orders.id "
        "AND o.status IN ('due', 'retrying'))")


def downgrade() -> None:
    op.execute(
        "UPDATE standing_orders SET status = 'completed' WHERE status = 'active' "
        "AND next_due_at IS NULL")
    with op.batch_alter_table('standing_order_occurrences', schema=None) as batch_op:
        batch_op.drop_column('lease')
    op.drop_index('uq_standing_orders_customer_key', table_name='standing_orders')
    with op.batch_alter_table('standing_orders', schema=None) as batch_op:
        batch_op.drop_column('fingerprint')
        batch_op.drop_column('idempotency_key')
