"""the reference's unique index only over the transfers that carry one: most carry none, and
a posting then writes no entry into it

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 18:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('uq_transfers_customer_reference', table_name='transfers')
    op.create_index('uq_transfers_customer_reference', 'transfers', ['customer_id', 'reference'],
                    unique=True, sqlite_where=sa.text('reference IS NOT NULL'),
                    postgresql_where=sa.text('reference IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('uq_transfers_customer_reference', table_name='transfers')
    op.create_index('uq_transfers_customer_reference', 'transfers', ['customer_id', 'reference'],
                    unique=True)
