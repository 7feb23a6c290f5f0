"""The policies of the money operations (docs/money-operations.md), read from VAANI_*."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from domain.dispute import DisputePolicy
from domain.interest import InterestPolicy
from domain.kyc import KycLimits
from domain.reversal import ReversalPolicy
from domain.standing_order import StandingOrderPolicy
from entrypoints.setting_values import amount, rate_percent, whole_number


def operation_policies(env: Mapping[str, str]) -> dict[str, Any]:
    """The Settings fields of reversals, disputes, standing orders, KYC tiers and interest."""
    return {
        "reversal_policy": ReversalPolicy(
            approval_above=amount(env, "VAANI_REVERSAL_APPROVAL_ABOVE", "10000.00"),
            proposal_lifetime=timedelta(
                hours=whole_number(env, "VAANI_REVERSAL_PROPOSAL_HOURS", 24, 1, 24 * 30))),
        "dispute_policy": DisputePolicy(
            window=timedelta(days=whole_number(env, "VAANI_DISPUTE_WINDOW_DAYS", 90, 1, 540)),
            sla=timedelta(days=whole_number(env, "VAANI_DISPUTE_SLA_DAYS", 30, 1, 90))),
        "interest_policy": InterestPolicy(rate_percent(env, "VAANI_INTEREST_RATE", "3.50")),
        "kyc_limits": KycLimits(
            min_balance=amount(env, "VAANI_KYC_MIN_BALANCE", "50000.00"),
            min_daily_debit=amount(env, "VAANI_KYC_MIN_DAILY_DEBIT", "10000.00"),
            min_accounts=whole_number(env, "VAANI_KYC_MIN_ACCOUNTS", 1, 1, 10)),
        "standing_order_policy": StandingOrderPolicy(
            retries=whole_number(env, "VAANI_STANDING_ORDER_RETRIES", 2, 0, 10),
            retry_after=timedelta(
                hours=whole_number(env, "VAANI_STANDING_ORDER_RETRY_HOURS", 4, 1, 72)),
            lease=timedelta(
                seconds=whole_number(env, "VAANI_STANDING_ORDER_LEASE_SECONDS", 300, 1, 3600))),
    }
