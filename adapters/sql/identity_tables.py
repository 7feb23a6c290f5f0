"""Who the customers are and how they prove it: the customers, their sessions and refresh
tokens, login attempts and rate limits, password reset tokens, sign-ups waiting for their code,
bound devices and their nonces, and voiceprints.

All tables are named together in adapters/sql/tables.py."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sql.schema import metadata
from adapters.sql.types import UtcDateTime, Uuid

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
    sa.Column("pin_set_at", UtcDateTime, nullable=True),  # NULL: set before 0033, settled
    sa.Column("disabled_at", UtcDateTime, nullable=True),  # staff who left
    # A new email or phone waiting for its code (domain/contact_change.py): all four or none.
    sa.Column("contact_change_field", sa.String(16), nullable=True),
    sa.Column("contact_change_value", sa.String(254), nullable=True),
    sa.Column("contact_change_code_hash", sa.String(64), nullable=True),
    sa.Column("contact_change_expires_at", UtcDateTime, nullable=True),
    sa.Column("erased_at", UtcDateTime, nullable=True),
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

password_resets = sa.Table(
    "password_resets", metadata,
    # Only live tokens, at most one per customer (a newer request drops the older).
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime, nullable=True),
    sa.Index("ix_password_resets_customer", "customer_id"),
    sa.Index("ix_password_resets_expires", "expires_at"),
)

sign_ups = sa.Table(
    "sign_ups", metadata,
    # Not customers yet: no unique email or phone here, so nobody squats another's address.
    sa.Column("customer_number", sa.String(20), primary_key=True),
    sa.Column("id", Uuid, nullable=False),  # the customer's id, once confirmed
    sa.Column("first_name", sa.String(100), nullable=False),
    sa.Column("last_name", sa.String(100), nullable=False),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("phone_number", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("code_hash", sa.String(255), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("date_of_birth", sa.Date, nullable=True),
    sa.Column("preferred_language", sa.String(8), nullable=False),
    sa.Column("aadhaar_last4", sa.String(4), nullable=True),
    sa.Column("pan", sa.String(10), nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Index("ix_sign_ups_expires", "expires_at"),
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
    sa.Column("spoken", sa.String(10)),  # the digits to say with it; none when not asked
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
