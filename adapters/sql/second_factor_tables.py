"""Second factors: each customer's authenticator (its secret sealed, adapters/system/
secret_box.py), its recovery codes and the tickets between a login's two steps, the codes and
tickets as SHA-256 only; and staff's maker-checker proposals. Named with the other tables in
adapters/sql/tables.py."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sql.schema import metadata
from adapters.sql.types import UtcDateTime, Uuid

totp_factors = sa.Table(
    "totp_factors", metadata,
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), primary_key=True),
    sa.Column("secret_sealed", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("confirmed_at", UtcDateTime, nullable=True),
    # The newest time step a code was accepted for: a conditional update spends it once.
    sa.Column("last_step", sa.BigInteger, nullable=False),
)

recovery_codes = sa.Table(
    "recovery_codes", metadata,
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), primary_key=True),
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("used_at", UtcDateTime, nullable=True),
)

login_tickets = sa.Table(
    "login_tickets", metadata,
    sa.Column("ticket_hash", sa.String(64), primary_key=True),
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("device_identifier", sa.String(128), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime, nullable=True),
    sa.Index("ix_login_tickets_expires", "expires_at"),
)

staff_proposals = sa.Table(
    "staff_proposals", metadata,
    # Maker-checker proposals of sensitive staff actions (domain/staff_proposal.py).
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("customer_number", sa.String(20), nullable=False),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("reason", sa.String(280), nullable=False),
    sa.Column("proposed_by", Uuid, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("proposed_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("decided_by", Uuid, sa.ForeignKey("customers.id"), nullable=True),
    sa.Column("decided_at", UtcDateTime, nullable=True),
    sa.Column("outcome", sa.String(64), nullable=True),
    sa.Index("ix_staff_proposals_proposed", "proposed_at"),
)
