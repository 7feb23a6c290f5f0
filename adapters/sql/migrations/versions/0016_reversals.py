"""reversals: maker-checker proposals to reverse a posted transfer, and the compensating
transfers they posted

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 15:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reversals',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('transfer_id', sa.Uuid(), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('reason', sa.String(length=280), nullable=False),
        sa.Column('proposed_by', sa.Uuid(), nullable=False),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=24), nullable=False),
        sa.Column('decided_by', sa.Uuid(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reversal_transfer_id', sa.Uuid(), nullable=True),
        sa.Column('dispute_id', sa.Uuid(), nullable=True),
        sa.Column('idempotency_key', sa.String(length=255), nullable=True),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.CheckConstraint('amount > 0', name=op.f('ck_reversals_amount_positive')),
        sa.ForeignKeyConstraint(['decided_by'], ['customers.id'],
                                name=op.f('fk_reversals_decided_by_customers')),
        sa.ForeignKeyConstraint(['proposed_by'], ['customers.id'],
                                name=op.f('fk_reversals_proposed_by_customers')),
        sa.ForeignKeyConstraint(['reversal_transfer_id'], ['transfers.id'],
                                name=op.f('fk_reversals_reversal_transfer_id_transfers')),
        sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'],
                                name=op.f('fk_reversals_transfer_id_transfers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reversals')),
        sa.UniqueConstraint('proposed_by', 'idempotency_key', name='uq_reversals_proposer_key'),
        sa.UniqueConstraint('reversal_transfer_id',
                            name=op.f('uq_reversals_reversal_transfer_id')),
    )
    op.create_index('ix_reversals_transfer', 'reversals', ['transfer_id'])
    op.create_index('ix_reversals_proposed_at', 'reversals', ['proposed_at'])


def downgrade() -> None:
    op.drop_index('ix_reversals_proposed_at', table_name='reversals')
    op.drop_index('ix_reversals_transfer', table_name='reversals')
    op.drop_table('reversals')
