"""Ledger entries: the immutable record of every movement of money."""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

import attrs

from domain.money import Money


class EntryType(enum.StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


class Channel(enum.StrEnum):
    ATM = "ATM"
    BRANCH = "BRANCH"
    ONLINE = "ONLINE"
    MOBILE = "MOBILE"
    UPI = "UPI"
    NEFT = "NEFT"
    RTGS = "RTGS"
    IMPS = "IMPS"


@attrs.frozen
class LedgerEntry:
    """One leg of a posting on one account; `sequence` orders an account's entries."""

    id: UUID
    account_id: UUID
    transfer_id: UUID
    entry_type: EntryType
    amount: Money
    balance_after: Money
    channel: Channel
    description: str
    reference: str
    posted_at: datetime
    sequence: int = 0
