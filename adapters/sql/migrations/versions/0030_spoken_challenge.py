"""spoken challenge: the digits a device nonce asks the customer to say in their voice answer

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 00:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('device_nonces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('spoken', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('device_nonces', schema=None) as batch_op:
        batch_op.drop_column('spoken')
