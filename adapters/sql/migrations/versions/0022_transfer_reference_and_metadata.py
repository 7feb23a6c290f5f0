"""a transfer's client reference (unique per customer) and metadata, and the indexes that
search a customer's transfers and all of them by time

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 17:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('metadata', sa.JSON(), nullable=True))
    # Indexes, not constraints: SQLite adds them without rebuilding the table.
    op.create_index('uq_transfers_customer_reference', 'transfers', ['customer_id', 'reference'],
                    unique=True)
    op.create_index('ix_transfers_customer_created', 'transfers', ['customer_id', 'created_at'])
    op.create_index('ix_transfers_created', 'transfers', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_transfers_created', table_name='transfers')
    op.drop_index('ix_transfers_customer_created', table_name='transfers')
    op.drop_index('uq_transfers_customer_reference', table_name='transfers')
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.drop_column('metadata')
        batch_op.drop_column('reference')
