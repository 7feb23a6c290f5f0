"""interest on savings: the days accrued, each account's exact daily accruals, and the monthly
postings with the carry that did not make a whole minor unit

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 17:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'interest_accrual_days',
        sa.Column('accrual_date', sa.Date(), nullable=False),
        sa.Column('accounts', sa.Integer(), nullable=False),
        sa.Column('accrued_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('accrual_date', name=op.f('pk_interest_accrual_days')),
    )
    op.create_table(
        'interest_accruals',
        sa.Column('account_id', sa.Uuid(), nullable=False),
        sa.Column('accrual_date', sa.Date(), nullable=False),
        sa.Column('account_number', sa.String(length=34), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('balance', sa.BigInteger(), nullable=False),
        sa.Column('rate_ppm', sa.Integer(), nullable=False),
        sa.Column('numerator', sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column('posted_month', sa.String(length=7), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_interest_accruals_account_id_accounts')),
        sa.PrimaryKeyConstraint('account_id', 'accrual_date', name=op.f('pk_interest_accruals')),
    )
    op.create_index('ix_interest_accruals_unposted', 'interest_accruals',
                    ['posted_month', 'accrual_date'])
    op.create_table(
        'interest_postings',
        sa.Column('account_id', sa.Uuid(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('accrued', sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column('carried_in', sa.BigInteger(), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('carried_out', sa.BigInteger(), nullable=False),
        sa.Column('transfer_id', sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_interest_postings_account_id_accounts')),
        sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'],
                                name=op.f('fk_interest_postings_transfer_id_transfers')),
        sa.PrimaryKeyConstraint('account_id', 'month', name=op.f('pk_interest_postings')),
    )


def downgrade() -> None:
    op.drop_table('interest_postings')
    op.drop_index('ix_interest_accruals_unposted', table_name='interest_accruals')
    op.drop_table('interest_accruals')
    op.drop_table('interest_accrual_days')
