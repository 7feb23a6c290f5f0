"""Transfers: one posting of money from one account to another, exactly once."""

from __future__ import annotations

import enum
import hashlib
import json
from datetime import datetime
from uuid import UUID

import attrs

from domain.account import Account
from domain.errors import ValidationError
from domain.ledger import Channel, EntryType, LedgerEntry
from domain.money import Money


class TransferKind(enum.StrEnum):
    TRANSFER = "transfer"
    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"
    REVERSAL = "reversal"  # from a transfer's payee back to its payer (domain/reversal.py)
    INTEREST = "interest"  # from the bank's interest-expense account (domain/interest.py)


class TransferStatus(enum.StrEnum):
    COMPLETED = "completed"
    CHALLENGE_REQUIRED = "challenge_required"  # funds held until the owner answers a challenge
    PENDING_REVIEW = "pending_review"  # funds held until an operator decides
    BLOCKED = "blocked"  # refused by the fraud engine: nothing moved
    VOIDED = "voided"  # a hold that was given back: nothing moved

    @property
    def holds_funds(self) -> bool:
        return self in (TransferStatus.CHALLENGE_REQUIRED, TransferStatus.PENDING_REVIEW)


_SORTED = json.JSONEncoder(sort_keys=True).encode  # made once, not per call


def request_fingerprint(**fields: object) -> str:
    """A stable digest of what was asked, so a reused idempotency key can be compared."""
    canonical = _SORTED({k: str(v) for k, v in fields.items()})
    return hashlib.sha256(canonical.encode()).hexdigest()


@attrs.frozen
class Transfer:
    """A completed (or later: held) movement between a source and a destination account."""

    id: UUID
    kind: TransferKind
    customer_id: UUID | None
    idempotency_scope: str | None
    idempotency_key: str | None
    fingerprint: str
    status: TransferStatus
    from_account_id: UUID
    from_account_number: str
    to_account_id: UUID
    to_account_number: str
    amount: Money
    channel: Channel
    description: str
    created_at: datetime
    hold_expires_at: datetime | None = None
    challenge_id: UUID | None = None
    void_reason: str | None = None
    posted_at: datetime | None = None


def post(
    transfer: Transfer, source: Account, destination: Account, entry_ids: tuple[UUID, UUID],
    posted_at: datetime | None = None,
) -> tuple[LedgerEntry, LedgerEntry]:
    """Debit the source and credit the destination; both legs or neither."""
    if source.id == destination.id:
        raise ValidationError("cannot transfer money to the same account", field="to_account_number")
    amount = transfer.amount
    destination.ensure_can_move(amount)  # checked first, so a refused credit never leaves a lone debit
    source_after = source.debit(amount)
    destination_after = destination.credit(amount)
    common = dict(
        transfer_id=transfer.id,
        amount=amount,
        channel=transfer.channel,
        description=transfer.description,
        reference=str(transfer.id),
        posted_at=posted_at or transfer.created_at,
    )
    debit = LedgerEntry(id=entry_ids[0], account_id=source.id, entry_type=EntryType.DEBIT,
                        balance_after=source_after, **common)  # type: ignore[arg-type]
    credit = LedgerEntry(id=entry_ids[1], account_id=destination.id, entry_type=EntryType.CREDIT,
                         balance_after=destination_after, **common)  # type: ignore[arg-type]
    return debit, credit
