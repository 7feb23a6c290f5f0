"""KYC tiers: pending, min, full, rejected ('verified' becomes 'full'); each account keeps its
owner's tier, read with the row a posting locks

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 16:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kyc', sa.String(length=16), nullable=False,
                                      server_default='full'))
    op.execute("UPDATE customers SET kyc_status = 'full' WHERE kyc_status = 'verified'")
    # Customers not verified yet keep receiving money but pay nothing until they are.
    op.execute("UPDATE accounts SET kyc = (SELECT kyc_status FROM customers "
               "WHERE customers.id = accounts.customer_id) WHERE customer_id IS NOT NULL")


def downgrade() -> None:
    op.execute("UPDATE customers SET kyc_status = 'verified' WHERE kyc_status IN ('full', 'min')")
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('kyc')
