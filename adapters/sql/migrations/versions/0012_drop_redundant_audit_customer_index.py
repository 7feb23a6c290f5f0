"""drop the audit trail's customer_id index: ix_audit_events_customer_action_time leads with
customer_id and serves every query that filters on it, so the single-column index was only one
more B-tree for every audit record to maintain (every request writes one)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 08:40:00.000000
"""
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_customer_id')


def downgrade() -> None:

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_customer_id', ['customer_id'], unique=False)
