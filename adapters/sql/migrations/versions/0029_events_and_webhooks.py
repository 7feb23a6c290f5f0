"""events, webhooks and alerts: a customer's audit records in sequence order (the event feed),
webhook endpoints, the deliveries owed to them and the log of every try, customers' alert
preferences and the position of the feed's consumers

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 21:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_events_customer_sequence', 'audit_events',
                    ['customer_id', 'sequence'])
    op.create_table(
        'webhook_endpoints',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('url', sa.String(length=2048), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.Column('event_types', sa.JSON(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('secret_sealed', sa.Text(), nullable=False),
        sa.Column('previous_secret_sealed', sa.Text(), nullable=True),
        sa.Column('previous_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('position', sa.BigInteger(), nullable=False),
        sa.Column('created_by', sa.Uuid(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['customers.id'],
                                name=op.f('fk_webhook_endpoints_created_by_customers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints')),
    )
    op.create_table(
        'webhook_deliveries',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('endpoint_id', sa.Uuid(), nullable=False),
        sa.Column('event_sequence', sa.BigInteger(), nullable=False),
        sa.Column('event_id', sa.Uuid(), nullable=False),
        sa.Column('ordering_key', sa.String(length=36), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('tries', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('leased_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_status_code', sa.Integer(), nullable=True),
        sa.Column('last_latency_ms', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'],
                                name=op.f('fk_webhook_deliveries_endpoint_id_webhook_endpoints')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
        sa.UniqueConstraint('endpoint_id', 'event_sequence', name='uq_webhook_deliveries_event'),
    )
    op.create_index('ix_webhook_deliveries_queue', 'webhook_deliveries',
                    ['endpoint_id', 'ordering_key', 'status', 'event_sequence'])
    op.create_index('ix_webhook_deliveries_due', 'webhook_deliveries',
                    ['status', 'next_attempt_at'])
    op.create_table(
        'webhook_attempts',
        sa.Column('delivery_id', sa.Uuid(), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=True),
        sa.Column('latency_ms', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(['delivery_id'], ['webhook_deliveries.id'],
                                name=op.f('fk_webhook_attempts_delivery_id_webhook_deliveries')),
        sa.PrimaryKeyConstraint('delivery_id', 'attempt', name=op.f('pk_webhook_attempts')),
    )
    op.create_table(
        'alert_preferences',
        sa.Column('customer_id', sa.Uuid(), nullable=False),
        sa.Column('debit_above', sa.BigInteger(), nullable=True),
        sa.Column('credit_above', sa.BigInteger(), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('security', sa.Boolean(), nullable=False),
        sa.Column('reminders', sa.Boolean(), nullable=False),
        sa.Column('standing_orders', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                                name=op.f('fk_alert_preferences_customer_id_customers')),
        sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_alert_preferences')),
    )
    op.create_table(
        'event_consumers',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('position', sa.BigInteger(), nullable=False),
        sa.Column('leased_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_event_consumers')),
    )


def downgrade() -> None:
    op.drop_table('event_consumers')
    op.drop_table('alert_preferences')
    op.drop_table('webhook_attempts')
    op.drop_index('ix_webhook_deliveries_due', table_name='webhook_deliveries')
    op.drop_index('ix_webhook_deliveries_queue', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_table('webhook_endpoints')
    op.drop_index('ix_audit_events_customer_sequence', table_name='audit_events')
