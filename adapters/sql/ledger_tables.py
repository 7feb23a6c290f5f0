"""The money: branches, accounts, transfers and the double-entry ledger. Money is BIGINT minor
units; constraints make double posting impossible even when two transactions race.

All tables are named together in adapters/sql/tables.py."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sql.schema import metadata
from adapters.sql.types import BigSerial, UtcDateTime, Uuid

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
    sa.Column("kyc", sa.String(16), nullable=False, server_default="full"),  # the owner's tier
    # The last line of defence: even a buggy use case cannot overdraw a customer's account.
    sa.CheckConstraint("balance >= 0 OR account_type = 'internal'", name="not_overdrawn"),
    sa.CheckConstraint("held >= 0", name="hold_not_negative"),
)

# Kept in step with migration 0031 and adapters/memory/ledger_repositories.py.
_LIVE_REFERENCE = "reference IS NOT NULL AND status NOT IN ('blocked', 'voided')"

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
    sa.Column("reference", sa.String(64), nullable=True),
    sa.Column("metadata", sa.JSON(none_as_null=True), nullable=True),  # none: SQL NULL
    sa.UniqueConstraint("idempotency_scope", "idempotency_key", name="uq_transfers_idempotency"),
    # A client's reference names one payment of theirs (a taken one is refused: 409, even when
    # two race); the index holds only the transfers that carry one and moved or hold money: a
    # payment blocked by the fraud checks, or a hold given back, leaves it to the corrected one.
    sa.Index("uq_transfers_customer_reference", "customer_id", "reference", unique=True,
             sqlite_where=sa.text(_LIVE_REFERENCE), postgresql_where=sa.text(_LIVE_REFERENCE)),
    sa.Index("ix_transfers_customer_created", "customer_id", "created_at"),
    sa.Index("ix_transfers_created", "created_at"),
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
    sa.Index("ix_ledger_entries_account_posted", "account_id", "posted_at", "sequence"),
)
