"""a customer's audit records in sequence order: the event feed (domain/events.py)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 21:00:00.000000
"""
from alembic import op


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_events_customer_sequence', 'audit_events',
                    ['customer_id', 'sequence'])


def downgrade() -> None:
    op.drop_index('ix_audit_events_customer_sequence', table_name='audit_events')
