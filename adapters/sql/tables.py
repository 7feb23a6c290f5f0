"""The schema, as SQLAlchemy Core tables sharing one `metadata` (schema.py): the tables live by
what they hold in identity_tables.py, second_factor_tables.py, ledger_tables.py,
money_operation_tables.py, activity_tables.py and webhook_tables.py, and this module names them
all in one place for the repositories and the migrations."""

from __future__ import annotations

from adapters.sql.activity_tables import (
    audit_events,
    audit_head,
    beneficiaries,
    cards,
    fraud_assessments,
    fraud_profiles,
    notifications,
    reminders,
)
from adapters.sql.identity_tables import (
    customers,
    device_bindings,
    device_nonces,
    login_attempts,
    password_resets,
    rate_limits,
    refresh_tokens,
    sessions,
    sign_ups,
    voice_attempts,
    voice_samples,
    voiceprints,
)
from adapters.sql.ledger_tables import accounts, branches, ledger_entries, transfers
from adapters.sql.money_operation_tables import (
    disputes,
    interest_accrual_days,
    interest_accruals,
    interest_postings,
    reversals,
    standing_order_occurrences,
    standing_orders,
    till_closings,
    till_entries,
)
from adapters.sql.schema import metadata
from adapters.sql.second_factor_tables import (
    login_tickets,
    recovery_codes,
    staff_proposals,
    totp_factors,
)
from adapters.sql.webhook_tables import (
    alert_preferences,
    event_consumers,
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
)

__all__ = [
    "accounts",
    "alert_preferences",
    "audit_events",
    "audit_head",
    "beneficiaries",
    "branches",
    "cards",
    "customers",
    "device_bindings",
    "device_nonces",
    "disputes",
    "event_consumers",
    "fraud_assessments",
    "fraud_profiles",
    "interest_accrual_days",
    "interest_accruals",
    "interest_postings",
    "ledger_entries",
    "login_attempts",
    "login_tickets",
    "metadata",
    "notifications",
    "password_resets",
    "rate_limits",
    "recovery_codes",
    "refresh_tokens",
    "reminders",
    "reversals",
    "sessions",
    "sign_ups",
    "staff_proposals",
    "standing_order_occurrences",
    "standing_orders",
    "till_closings",
    "till_entries",
    "totp_factors",
    "transfers",
    "voice_attempts",
    "voice_samples",
    "voiceprints",
    "webhook_attempts",
    "webhook_deliveries",
    "webhook_endpoints",
]
