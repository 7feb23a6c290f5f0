"""sign-ups waiting for the code that proves their email (VAANI_SIGNUP_VERIFICATION)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 21:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sign_ups',
        sa.Column('customer_number', sa.String(length=20), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('first_name', sa.String(length=100), nullable=False),
        sa.Column('last_name', sa.String(length=100), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('phone_number', sa.String(length=16), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('code_hash', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('date_of_birth', sa.Date(), nullable=True),
        sa.Column('preferred_language', sa.String(length=8), nullable=False),
        sa.Column('aadhaar_last4', sa.String(length=4), nullable=True),
        sa.Column('pan', sa.String(length=10), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('customer_number', name=op.f('pk_sign_ups')),
    )
    op.create_index('ix_sign_ups_expires', 'sign_ups', ['expires_at'])


def downgrade() -> None:
    op.drop_index('ix_sign_ups_expires', table_name='sign_ups')
    op.drop_table('sign_ups')
