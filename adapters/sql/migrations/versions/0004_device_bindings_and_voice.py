"""device bindings and voice

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 06:43:24.447566
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('device_bindings',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('identifier', sa.String(length=128), nullable=False),
    sa.Column('trust', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fingerprint', sa.String(length=256), nullable=True),
    sa.Column('label', sa.String(length=64), nullable=True),
    sa.Column('platform', sa.String(length=32), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_device_bindings_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_bindings')),
    sa.UniqueConstraint('customer_id', 'identifier', name='uq_device_bindings_customer_device')
    )
    op.create_table('voice_attempts',
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_voice_attempts_customer_id_customers')),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_voice_attempts'))
    )
    op.create_table('voice_samples',
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.Column('embedding', sa.LargeBinary(), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_voice_samples_customer_id_customers')),
    sa.PrimaryKeyConstraint('customer_id', 'sha256', name=op.f('pk_voice_samples'))
    )
    op.create_table('voiceprints',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('device_binding_id', sa.Uuid(), nullable=False),
    sa.Column('embedding', sa.LargeBinary(), nullable=False),
    sa.Column('model', sa.String(length=64), nullable=False),
    sa.Column('sample_hashes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_voiceprints_customer_id_customers')),
    sa.ForeignKeyConstraint(['device_binding_id'], ['device_bindings.id'], name=op.f('fk_voiceprints_device_binding_id_device_bindings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voiceprints')),
    sa.UniqueConstraint('customer_id', name=op.f('uq_voiceprints_customer_id'))
    )



def downgrade() -> None:

    op.drop_table('voiceprints')
    op.drop_table('voice_samples')
    op.drop_table('voice_attempts')
    op.drop_table('device_bindings')

