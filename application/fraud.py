"""What the fraud engine is told about a transfer, and the port it implements."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

import attrs

from domain.account import AccountType
from domain.device import TrustLevel
from domain.fraud import Assessment
from domain.fraud_profile import CounterpartyProfile, CustomerProfile
from domain.ledger import Channel
from domain.money import Money


@attrs.frozen
class FraudContext:
    customer_id: UUID
    amount: Money
    account_type: AccountType
    channel: Channel
    counterparty: str
    own_account: bool  # between two accounts of the same customer
    now: datetime
    customer: CustomerProfile
    counterparty_profile: CounterpartyProfile
    device_trust: TrustLevel | None  # None: the request named no bound device
    security_events: tuple[str, ...]  # audit actions on this customer in the last 24 h
    payee_added_at: datetime | None = None  # when the customer saved this payee as beneficiary
    account_number: str = ""  # the account paid from (its own daily limit)
    # The bound device has not yet settled (bound less than `factor_settles_after` ago): a
    # trusted one weighs as a new device, since the password alone may have bound it.
    device_new: bool = False


class FraudEngine(Protocol):
    """Scores a transfer before any money moves."""

    name: str
    version: str

    def assess(self, context: FraudContext) -> Assessment: ...


@attrs.frozen
class HoldPolicy:
    """How long held money waits: a step-up challenge briefly, an operator review longer."""

    challenge_window: timedelta = timedelta(minutes=5)
    review_window: timedelta = timedelta(hours=72)
