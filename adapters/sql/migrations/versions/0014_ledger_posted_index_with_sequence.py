"""ledger entries: ix_ledger_entries_account_posted ends with `sequence`, so a statement's
opening balance (the last entry before its first day) and each of its pages is one index seek
in (posted_at, sequence) order, not a sort of every earlier entry of the account

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 11:50:00.000000
"""
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_account_posted')
        batch_op.create_index('ix_ledger_entries_account_posted',
                              ['account_id', 'posted_at', 'sequence'], unique=False)


def downgrade() -> None:

    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_account_posted')
        batch_op.create_index('ix_ledger_entries_account_posted', ['account_id', 'posted_at'],
                              unique=False)
