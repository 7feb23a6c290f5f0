"""customers: when the UPI PIN was last set or changed, so that re-enrolling the voice can refuse
a PIN the password set moments ago (domain/customer.py `pin_settled`). Existing PINs get NULL:
set before their time was recorded, they count as settled.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-08 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pin_set_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('pin_set_at')
