"""device keys and nonces: a binding keeps the public key its app registered, and the server's
single-use nonces (their SHA-256 only) wait in device_nonces until signed or expired

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 06:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table('device_bindings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_algorithm', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('public_key', sa.LargeBinary(), nullable=True))
    op.create_table(
        'device_nonces',
        sa.Column('nonce_hash', sa.String(length=64), nullable=False),
        sa.Column('customer_number', sa.String(length=64), nullable=False),
        sa.Column('identifier', sa.String(length=128), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('nonce_hash', name=op.f('pk_device_nonces')),
    )
    with op.batch_alter_table('device_nonces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_nonces_expires_at'), ['expires_at'],
                              unique=False)


def downgrade() -> None:

    with op.batch_alter_table('device_nonces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_nonces_expires_at'))
    op.drop_table('device_nonces')
    with op.batch_alter_table('device_bindings', schema=None) as batch_op:
        batch_op.drop_column('public_key')
        batch_op.drop_column('key_algorithm')
