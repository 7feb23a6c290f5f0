"""tellers' tills: each cash movement at the counter by teller and business day, and the days
each till closed

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 16:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'till_entries',
        sa.Column('transfer_id', sa.Uuid(), nullable=False),
        sa.Column('teller_id', sa.Uuid(), nullable=False),
        sa.Column('business_date', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['teller_id'], ['customers.id'],
                                name=op.f('fk_till_entries_teller_id_customers')),
        sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'],
                                name=op.f('fk_till_entries_transfer_id_transfers')),
        sa.PrimaryKeyConstraint('transfer_id', name=op.f('pk_till_entries')),
    )
    op.create_index('ix_till_entries_day', 'till_entries', ['business_date', 'teller_id'])
    op.create_table(
        'till_closings',
        sa.Column('teller_id', sa.Uuid(), nullable=False),
        sa.Column('business_date', sa.Date(), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_by', sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(['teller_id'], ['customers.id'],
                                name=op.f('fk_till_closings_teller_id_customers')),
        sa.PrimaryKeyConstraint('teller_id', 'business_date', name=op.f('pk_till_closings')),
    )


def downgrade() -> None:
    op.drop_table('till_closings')
    op.drop_index('ix_till_entries_day', table_name='till_entries')
    op.drop_table('till_entries')
