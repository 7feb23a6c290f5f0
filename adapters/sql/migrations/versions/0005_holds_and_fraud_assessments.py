"""holds and fraud assessments

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 06:58:52.310543
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('fraud_profiles',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'key', name=op.f('pk_fraud_profiles'))
    )
    op.create_table('fraud_assessments',
    sa.Column('transfer_id', sa.Uuid(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('engine', sa.String(length=32), nullable=False),
    sa.Column('version', sa.String(length=16), nullable=False),
    sa.Column('contributions', sa.Text(), nullable=False),
    sa.Column('assessed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'], name=op.f('fk_fraud_assessments_transfer_id_transfers')),
    sa.PrimaryKeyConstraint('transfer_id', name=op.f('pk_fraud_assessments'))
    )
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hold_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('challenge_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_transfers_status_hold', ['status', 'hold_expires_at'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.drop_index('ix_transfers_status_hold')
        batch_op.drop_column('posted_at')
        batch_op.drop_column('void_reason')
        batch_op.drop_column('challenge_id')
        batch_op.drop_column('hold_expires_at')

    op.drop_table('fraud_assessments')
    op.drop_table('fraud_profiles')

