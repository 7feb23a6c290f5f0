"""password reset tokens (SHA-256 only, 15 minutes, single use)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 20:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'password_resets',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('customer_id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                                name=op.f('fk_password_resets_customer_id_customers')),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_password_resets')),
    )
    op.create_index('ix_password_resets_customer', 'password_resets', ['customer_id'])
    op.create_index('ix_password_resets_expires', 'password_resets', ['expires_at'])


def downgrade() -> None:
    op.drop_index('ix_password_resets_expires', table_name='password_resets')
    op.drop_index('ix_password_resets_customer', table_name='password_resets')
    op.drop_table('password_resets')
