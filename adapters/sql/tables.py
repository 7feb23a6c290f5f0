"""The schema, as SQLAlchemy Core tables. Money is BIGINT minor units; constraints make
double posting impossible even when two transactions race."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sql.types import BigSerial, UtcDateTime, Uuid

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

customers = sa.Table(
    "customers", metadata,
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("customer_number", sa.String(20), nullable=False, unique=True),
    sa.Column("first_name", sa.String(100), nullable=False),
    sa.Column("last_name", sa.String(100), nullable=False),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("phone_number", sa.String(16), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("kyc_status", sa.String(16), nullable=False),
    sa.Column("preferred_language", sa.String(8), nullable=False),
    sa.Column("date_of_birth", sa.Date, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("risk_segment", sa.String(8), nullable=False, server_default="low"),
    sa.Column("aadhaar_last4", sa.String(4), nullable=True),
    sa.Column("pan", sa.String(10), nullable=True),
    sa.Column("upi_pin_hash", sa.String(255), nullable=True),
    sa.Column("pin_failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("pin_blocked_until", UtcDateTime, nullable=True),
)

branches = sa.Table(
    "branches", metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("ifsc", sa.String(11), nullable=False, unique=True),
    sa.Column("city", sa.String(60), nullable=False),
    sa.Column("address", sa.String(200), nullable=False),
)

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("account_number", sa.String(34), nullable=False, unique=True),
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), nullable=True, index=True),
    sa.Column("account_type", sa.String(16), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("balance", sa.BigInteger, nullable=False),
    sa.Column("held", sa.BigInteger, nullable=False),
    sa.Column("opened_at", UtcDateTime, nullable=False),
    sa.Column("branch_code", sa.String(16), sa.ForeignKey("branches.code"), nullable=True),
    # The last line of defence: even a buggy use case cannot overdraw a customer's account.
    sa.CheckConstraint("balance >= 0 OR account_type = 'internal'", name="not_overdrawn"),
    sa.CheckConstraint("held >= 0", name="hold_not_negative"),
)

transfers = sa.Table(
    "transfers", metadata,
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), nullable=True),
    sa.Column("idempotency_scope", sa.String(80), nullable=True),
    sa.Column("idempotency_key", sa.String(255), nullable=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("from_account_id", Uuid, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("from_account_number", sa.String(34), nullable=False),
    sa.Column("to_account_id", Uuid, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("to_account_number", sa.String(34), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("channel", sa.String(8), nullable=False),
    sa.Column("description", sa.String(140), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("hold_expires_at", UtcDateTime, nullable=True),
    sa.Column("challenge_id", Uuid, nullable=True),
    sa.Column("void_reason", sa.String(64), nullable=True),
    sa.Column("posted_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("idempotency_scope", "idempotency_key", name="uq_transfers_idempotency"),
    sa.Index("ix_transfers_status_hold", "status", "hold_expires_at"),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
    sa.CheckConstraint("from_account_id <> to_account_id", name="distinct_accounts"),
)

ledger_entries = sa.Table(
    "ledger_entries", metadata,
    sa.Column("sequence", BigSerial, primary_key=True, autoincrement=True),
    sa.Column("id", Uuid, nullable=False, unique=True),
    sa.Column("account_id", Uuid, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("transfer_id", Uuid, sa.ForeignKey("transfers.id"), nullable=False),
    sa.Column("entry_type", sa.String(6), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("balance_after", sa.BigInteger, nullable=False),
    sa.Column("channel", sa.String(8), nullable=False),
    sa.Column("description", sa.String(140), nullable=False),
    sa.Column("reference", sa.String(64), nullable=False),
    sa.Column("posted_at", UtcDateTime, nullable=False),
    # One debit and one credit per transfer, never a second of either.
    sa.UniqueConstraint("transfer_id", "entry_type", name="uq_ledger_entries_leg"),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
    sa.CheckConstraint("entry_type IN ('debit', 'credit')", name="entry_type_known"),
    sa.Index("ix_ledger_entries_account_sequence", "account_id", "sequence"),
    sa.Index("ix_ledger_entries_account_posted", "account_id", "posted_at"),
)

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

sessions = sa.Table(
    "sessions", metadata,
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("last_seen_at", UtcDateTime, nullable=False),
    sa.Column("ip", sa.String(64), nullable=True),
    sa.Column("device_id", sa.String(128), nullable=True),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.Column("revoked_reason", sa.String(64), nullable=True),
)

refresh_tokens = sa.Table(
    "refresh_tokens", metadata,
    # Only the SHA-256 of the opaque token: a copy of this table logs nobody in.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("session_id", Uuid, sa.ForeignKey("sessions.id"), nullable=False, index=True),
    sa.Column("issued_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("rotated_at", UtcDateTime, nullable=True),
    sa.Column("replaced_by", sa.String(64), nullable=True),
)

login_attempts = sa.Table(
    "login_attempts", metadata,
    sa.Column("customer_number", sa.String(64), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("locked_until", UtcDateTime, nullable=True),
    sa.Column("last_failure_at", UtcDateTime, nullable=True),
)

rate_limits = sa.Table(
    "rate_limits", metadata,
    sa.Column("bucket", sa.String(160), primary_key=True),
    sa.Column("window_start", UtcDateTime, nullable=False),
    sa.Column("hits", sa.Integer, nullable=False),
)

device_bindings = sa.Table(
    "device_bindings", metadata,
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("identifier", sa.String(128), nullable=False),
    sa.Column("trust", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("last_seen_at", UtcDateTime, nullable=False),
    sa.Column("fingerprint", sa.String(256), nullable=True),
    sa.Column("label", sa.String(64), nullable=True),
    sa.Column("platform", sa.String(32), nullable=True),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.Column("key_algorithm", sa.String(16), nullable=True),
    sa.Column("public_key", sa.LargeBinary, nullable=True),  # SubjectPublicKeyInfo DER
    sa.UniqueConstraint("customer_id", "identifier", name="uq_device_bindings_customer_device"),
)

# Single-use nonces a device signs to prove possession; only their SHA-256 is kept.
device_nonces = sa.Table(
    "device_nonces", metadata,
    sa.Column("nonce_hash", sa.String(64), primary_key=True),
    sa.Column("customer_number", sa.String(64), nullable=False),
    sa.Column("identifier", sa.String(128), nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False, index=True),
)

voiceprints = sa.Table(
    "voiceprints", metadata,
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), nullable=False, unique=True),
    sa.Column("device_binding_id", Uuid, sa.ForeignKey("device_bindings.id"), nullable=False),
    sa.Column("embedding", sa.LargeBinary, nullable=False),  # 256 little-endian float32
    sa.Column("model", sa.String(64), nullable=False),
    sa.Column("sample_hashes", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

voice_attempts = sa.Table(
    "voice_attempts", metadata,
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure_at", UtcDateTime, nullable=True),
    sa.Column("disabled", sa.Boolean, nullable=False),
)

voice_samples = sa.Table(
    "voice_samples", metadata,
    # Every recording a customer presented, as its SHA-256 (never the audio): replay defence.
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("accepted", sa.Boolean, nullable=False),
    sa.Column("embedding", sa.LargeBinary, nullable=True),
    sa.Column("seen_at", UtcDateTime, nullable=False),
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
