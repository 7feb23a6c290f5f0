"""What happens around the money: the audit chain, fraud profiles and assessments,
beneficiaries, cards, reminders and the notifications outbox.

All tables are named together in adapters/sql/tables.py."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sql.schema import metadata
from adapters.sql.types import UtcDateTime, Uuid

audit_events = sa.Table(
    "audit_events", metadata,
    # Assigned from audit_head under its lock, so the chain has no gaps and no forks.
    sa.Column("sequence", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("id", Uuid, nullable=False, unique=True),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("actor_id", Uuid, nullable=True),
    # Indexed by ix_audit_events_customer_action_time below, which leads with it.
    sa.Column("customer_id", Uuid, nullable=True),
    sa.Column("resource", sa.String(128), nullable=False),
    sa.Column("ip", sa.String(64), nullable=True),
    sa.Column("device_id", sa.String(128), nullable=True),
    sa.Column("request_id", sa.String(128), nullable=True),
    sa.Column("details", sa.Text, nullable=False),
    sa.Column("previous_hash", sa.String(64), nullable=False),
    sa.Column("record_hash", sa.String(64), nullable=False),
    sa.Index("ix_audit_events_customer_action_time", "customer_id", "action", "occurred_at"),
    # A customer's events in order (their feed, their data export) without reading the rest.
    sa.Index("ix_audit_events_customer_sequence", "customer_id", "sequence"),
)

audit_head = sa.Table(
    "audit_head", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_sequence", sa.BigInteger, nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
    # The hash last_hash was chained after: PostgreSQL seals a record in the UPDATE that moves
    # the head, and RETURNING gives only new values (adapters/sql/audit.py).
    sa.Column("previous_hash", sa.String(64), nullable=True),
    sa.CheckConstraint("id = 1", name="single_row"),
)

fraud_profiles = sa.Table(
    "fraud_profiles", metadata,
    # Incremental aggregates per customer ("customer") and per receiving account ("counterparty").
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
)

fraud_assessments = sa.Table(
    "fraud_assessments", metadata,
    sa.Column("transfer_id", Uuid, sa.ForeignKey("transfers.id"), primary_key=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("engine", sa.String(32), nullable=False),
    sa.Column("version", sa.String(16), nullable=False),
    sa.Column("contributions", sa.Text, nullable=False),
    sa.Column("assessed_at", UtcDateTime, nullable=False),
)

beneficiaries = sa.Table(
    "beneficiaries", metadata,
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("account_number", sa.String(18), nullable=True),
    sa.Column("ifsc", sa.String(11), nullable=True),
    sa.Column("upi_id", sa.String(320), nullable=True),
    sa.Column("phone", sa.String(16), nullable=True),
    sa.Column("bank_name", sa.String(100), nullable=True),
    sa.Column("nickname", sa.String(40), nullable=True),
    sa.Column("favourite", sa.Boolean, nullable=False),
)

cards = sa.Table(
    "cards", metadata,
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("account_id", Uuid, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("last4", sa.String(4), nullable=False),  # never the full card number
    sa.Column("network", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("expires", sa.Date, nullable=False),
    sa.Column("issued_at", UtcDateTime, nullable=False),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("blocked_at", UtcDateTime, nullable=True),
)

reminders = sa.Table(
    "reminders", metadata,
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("due_at", UtcDateTime, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("rrule", sa.String(200), nullable=True),
    sa.Column("amount", sa.BigInteger, nullable=True),
    sa.Column("currency", sa.String(3), nullable=True),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("delivered", sa.Integer, nullable=False),
    sa.Column("starts_at", UtcDateTime, nullable=False),
    sa.Index("ix_reminders_status_due", "status", "due_at"),
)

notifications = sa.Table(
    "notifications", metadata,
    # The outbox: one row per reminder occurrence, never two (unique), in the same transaction
    # that moves the reminder on; a sender drains it.
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("reminder_id", Uuid, sa.ForeignKey("reminders.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("occurrence", UtcDateTime, nullable=False),
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("body", sa.String(400), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("reminder_id", "occurrence", name="uq_notifications_occurrence"),
)
