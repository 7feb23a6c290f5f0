"""What the event feed's consumers keep: webhook endpoints, the deliveries owed to them and the
log of every try (domain/webhook.py), customers' alert preferences and the alert consumer's
position. All tables are named together in adapters/sql/tables.py."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sql.schema import metadata
from adapters.sql.types import UtcDateTime, Uuid

webhook_endpoints = sa.Table(
    "webhook_endpoints", metadata,
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("event_types", sa.JSON, nullable=True),  # null: every type
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("secret_sealed", sa.Text, nullable=False),
    sa.Column("previous_secret_sealed", sa.Text, nullable=True),
    sa.Column("previous_until", UtcDateTime, nullable=True),
    # The last audit sequence fanned out to it (domain/events.py: the audit trail is the outbox).
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("created_by", Uuid, sa.ForeignKey("customers.id"), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries", metadata,
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("endpoint_id", Uuid, sa.ForeignKey("webhook_endpoints.id"), nullable=False),
    sa.Column("event_sequence", sa.BigInteger, nullable=False),
    sa.Column("event_id", Uuid, nullable=False),
    sa.Column("ordering_key", sa.String(36), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("tries", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UtcDateTime, nullable=False),
    sa.Column("leased_until", UtcDateTime, nullable=True),
    sa.Column("last_status_code", sa.Integer, nullable=True),
    sa.Column("last_latency_ms", sa.Integer, nullable=True),
    sa.Column("last_error", sa.String(300), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("delivered_at", UtcDateTime, nullable=True),
    # An event is owed to an endpoint once, whoever fans it out.
    sa.UniqueConstraint("endpoint_id", "event_sequence", name="uq_webhook_deliveries_event"),
    # A customer's queue at an endpoint: its oldest pending delivery is the one to send.
    sa.Index("ix_webhook_deliveries_queue", "endpoint_id", "ordering_key", "status",
             "event_sequence"),
    sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
)

webhook_attempts = sa.Table(
    "webhook_attempts", metadata,
    # The delivery log: one row per try, never changed.
    sa.Column("delivery_id", Uuid, sa.ForeignKey("webhook_deliveries.id"), primary_key=True),
    sa.Column("attempt", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("attempted_at", UtcDateTime, nullable=False),
    sa.Column("status_code", sa.Integer, nullable=True),
    sa.Column("latency_ms", sa.Integer, nullable=False),
    sa.Column("error", sa.String(300), nullable=True),
)

alert_preferences = sa.Table(
    "alert_preferences", metadata,
    # A customer's own choices (domain/alerts.py); no row: the bank's defaults.
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), primary_key=True),
    sa.Column("debit_above", sa.BigInteger, nullable=True),  # minor units; null: never
    sa.Column("credit_above", sa.BigInteger, nullable=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("security", sa.Boolean, nullable=False),
    sa.Column("reminders", sa.Boolean, nullable=False),
    sa.Column("standing_orders", sa.Boolean, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=True),
)

event_consumers = sa.Table(
    "event_consumers", metadata,
    # A reader of the event feed inside the bank (the alerts): where it is, and who holds it.
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("leased_until", UtcDateTime, nullable=True),
)
