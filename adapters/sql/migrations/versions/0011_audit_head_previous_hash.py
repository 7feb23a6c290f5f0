"""audit head keeps the hash its last record was chained after

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 07:50:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_hash', sa.String(length=64), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('previous_hash')
