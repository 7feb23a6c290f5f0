"""a transfer's reference is held only by a transfer that moved or holds money: one the fraud
checks blocked, or a hold given back (voided), leaves it free for the corrected payment.
Downgrading fails while a blocked or voided transfer shares its reference with another one.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 06:45:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

_LIVE = "reference IS NOT NULL AND status NOT IN ('blocked', 'voided')"


def upgrade() -> None:
    op.drop_index('uq_transfers_customer_reference', table_name='transfers')
    op.create_index('uq_transfers_customer_reference', 'transfers', ['customer_id', 'reference'],
                    unique=True, sqlite_where=sa.text(_LIVE), postgresql_where=sa.text(_LIVE))


def downgrade() -> None:
    op.drop_index('uq_transfers_customer_reference', table_name='transfers')
    op.create_index('uq_transfers_customer_reference', 'transfers', ['customer_id', 'reference'],
                    unique=True, sqlite_where=sa.text('reference IS NOT NULL'),
                    postgresql_where=sa.text('reference IS NOT NULL'))
