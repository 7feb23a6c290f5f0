"""two-step login: authenticators (secret sealed), recovery codes and login tickets (SHA-256)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 19:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'totp_factors',
        sa.Column('customer_id', sa.Uuid(), nullable=False),
        sa.Column('secret_sealed', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_step', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                                name=op.f('fk_totp_factors_customer_id_customers')),
        sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_totp_factors')),
    )
    op.create_table(
        'recovery_codes',
        sa.Column('customer_id', sa.Uuid(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                                name=op.f('fk_recovery_codes_customer_id_customers')),
        sa.PrimaryKeyConstraint('customer_id', 'code_hash', name=op.f('pk_recovery_codes')),
    )
    op.create_table(
        'login_tickets',
        sa.Column('ticket_hash', sa.String(length=64), nullable=False),
        sa.Column('customer_id', sa.Uuid(), nullable=False),
        sa.Column('device_identifier', sa.String(length=128), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                                name=op.f('fk_login_tickets_customer_id_customers')),
        sa.PrimaryKeyConstraint('ticket_hash', name=op.f('pk_login_tickets')),
    )
    op.create_index('ix_login_tickets_expires', 'login_tickets', ['expires_at'])


def downgrade() -> None:
    op.drop_index('ix_login_tickets_expires', table_name='login_tickets')
    op.drop_table('login_tickets')
    op.drop_table('recovery_codes')
    op.drop_table('totp_factors')
