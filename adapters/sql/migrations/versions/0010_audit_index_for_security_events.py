"""audit index for security events

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 08:03:21.783063
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_customer_action_time', ['customer_id', 'action', 'occurred_at'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_customer_action_time')


