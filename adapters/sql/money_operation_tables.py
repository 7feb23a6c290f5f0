"""The money operations that correct and schedule postings: reversals (maker-checker
proposals and the compensating transfers they posted), customers' disputes, standing
orders with their occurrences, tellers' tills, and savings interest.

All tables are named together in adapters/sql/tables.py."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sql.schema import metadata
from adapters.sql.types import UtcDateTime, Uuid

reversals = sa.Table(
    "reversals", metadata,
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("transfer_id", Uuid, sa.ForeignKey("transfers.id"), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("reason", sa.String(280), nullable=False),
    sa.Column("proposed_by", Uuid, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("proposed_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("decided_by", Uuid, sa.ForeignKey("customers.id"), nullable=True),
    sa.Column("decided_at", UtcDateTime, nullable=True),
    # One reversal per compensating transfer: the posting's key is derived from the reversal.
    sa.Column("reversal_transfer_id", Uuid, sa.ForeignKey("transfers.id"), nullable=True,
              unique=True),
    sa.Column("dispute_id", Uuid, nullable=True),
    sa.Column("idempotency_key", sa.String(255), nullable=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.UniqueConstraint("proposed_by", "idempotency_key", name="uq_reversals_proposer_key"),
    sa.Index("ix_reversals_transfer", "transfer_id"),
    sa.Index("ix_reversals_proposed_at", "proposed_at"),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
)

disputes = sa.Table(
    "disputes", metadata,
    sa.Column("id", Uuid, primary_key=True),
    # At most one dispute per transfer, even when two requests race to open it.
    sa.Column("transfer_id", Uuid, sa.ForeignKey("transfers.id"), nullable=False, unique=True),
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("reason", sa.String(24), nullable=False),
    sa.Column("description", sa.String(1000), nullable=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("opened_at", UtcDateTime, nullable=False),
    sa.Column("due_by", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("assigned_to", Uuid, sa.ForeignKey("customers.id"), nullable=True),
    sa.Column("reversal_id", Uuid, sa.ForeignKey("reversals.id"), nullable=True),
    sa.Column("resolution", sa.String(1000), nullable=True),
    sa.Column("resolved_at", UtcDateTime, nullable=True),
    sa.Index("ix_disputes_customer", "customer_id", "opened_at"),
    sa.Index("ix_disputes_status_due", "status", "due_by"),
)

standing_orders = sa.Table(
    "standing_orders", metadata,
    sa.Column("id", Uuid, primary_key=True),
    sa.Column("customer_id", Uuid, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("from_account_number", sa.String(34), nullable=False),
    sa.Column("to_account_number", sa.String(34), nullable=True),
    sa.Column("beneficiary_id", Uuid, nullable=True),  # a deleted payee fails its payments
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("description", sa.String(140), nullable=False),
    sa.Column("rrule", sa.String(500), nullable=True),
    sa.Column("starts_at", UtcDateTime, nullable=False),
    sa.Column("ends_at", UtcDateTime, nullable=True),
    sa.Column("next_due_at", UtcDateTime, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reminder_id", Uuid, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    # One order per customer and Idempotency-Key, even when a request and its retry race.
    sa.Column("idempotency_key", sa.String(255), nullable=True),
    sa.Column("fingerprint", sa.String(64), nullable=True),
    sa.Index("ix_standing_orders_customer", "customer_id"),
    sa.Index("uq_standing_orders_customer_key", "customer_id", "idempotency_key", unique=True),
    sa.Index("ix_standing_orders_status_due", "status", "next_due_at"),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
)

standing_order_occurrences = sa.Table(
    "standing_order_occurrences", metadata,
    # One row per order and due moment: an occurrence is written down once, whoever runs.
    sa.Column("order_id", Uuid, sa.ForeignKey("standing_orders.id"), primary_key=True),
    sa.Column("due_at", UtcDateTime, primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UtcDateTime, nullable=True),
    sa.Column("transfer_id", Uuid, sa.ForeignKey("transfers.id"), nullable=True),
    sa.Column("reason", sa.String(500), nullable=True),
    sa.Column("updated_at", UtcDateTime, nullable=True),
    sa.Column("lease", Uuid, nullable=True),  # the token of the runner holding it
    sa.Index("ix_standing_order_occurrences_attempt", "status", "next_attempt_at"),
)

till_entries = sa.Table(
    "till_entries", metadata,
    sa.Column("transfer_id", Uuid, sa.ForeignKey("transfers.id"), primary_key=True),
    sa.Column("teller_id", Uuid, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("business_date", sa.Date, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
    sa.Index("ix_till_entries_day", "business_date", "teller_id"),
)

till_closings = sa.Table(
    "till_closings", metadata,
    sa.Column("teller_id", Uuid, sa.ForeignKey("customers.id"), primary_key=True),
    sa.Column("business_date", sa.Date, primary_key=True),
    sa.Column("closed_at", UtcDateTime, nullable=False),
    sa.Column("closed_by", Uuid, nullable=True),
)

interest_accrual_days = sa.Table(
    "interest_accrual_days", metadata,
    sa.Column("accrual_date", sa.Date, primary_key=True),  # a day accrues once
    sa.Column("accounts", sa.Integer, nullable=False),
    sa.Column("accrued_at", UtcDateTime, nullable=False),
)

interest_accruals = sa.Table(
    "interest_accruals", metadata,
    sa.Column("account_id", Uuid, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("accrual_date", sa.Date, primary_key=True),
    sa.Column("account_number", sa.String(34), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("balance", sa.BigInteger, nullable=False),
    sa.Column("rate_ppm", sa.Integer, nullable=False),
    sa.Column("numerator", sa.Numeric(38, 0), nullable=False),  # balance x rate: past BIGINT
    sa.Column("posted_month", sa.String(7), nullable=True),
    sa.Index("ix_interest_accruals_unposted", "posted_month", "accrual_date"),
)

interest_postings = sa.Table(
    "interest_postings", metadata,
    sa.Column("account_id", Uuid, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("month", sa.String(7), primary_key=True),  # a month posts once
    sa.Column("accrued", sa.Numeric(38, 0), nullable=False),
    sa.Column("carried_in", sa.BigInteger, nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("carried_out", sa.BigInteger, nullable=False),
    sa.Column("transfer_id", Uuid, sa.ForeignKey("transfers.id"), nullable=True),
)
