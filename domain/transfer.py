"""Transfers: one posting of money from one account to another, exactly once."""

from __future__ import annotations

import enum
import hashlib
import json
import re
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
MAX_REFERENCE = 64
MAX_METADATA = 16
_KEY = re.compile(r"[A-Za-z0-9_.-]{1,40}")


def check_labels(reference: str | None, metadata: tuple[tuple[str, str], ...]) -> None:
    """A reference and metadata a client may attach to a transfer, strictly bounded."""
    if reference is not None and not (1 <= len(reference) <= MAX_REFERENCE
                                      and reference.isprintable() and reference.strip()):
        raise ValidationError(f"reference must be 1-{MAX_REFERENCE} printable characters",
                              field="reference")
    if len(metadata) > MAX_METADATA:
        raise ValidationError(f"at most {MAX_METADATA} metadata pairs", field="metadata")
    for key, value in metadata:
        if not _KEY.fullmatch(key):
            raise ValidationError(f"metadata key {key[:40]!r} must be 1-40 letters, digits, "
                                  "'_', '.' or '-'", field="metadata")
        if not (len(value) <= 200 and value.isprintable()):
            raise ValidationError(f"metadata value of {key!r} must be at most 200 printable "
                                  "characters", field="metadata")


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
    reference: str | None = None  # the client's own reference: unique per customer
    metadata: tuple[tuple[str, str], ...] = ()  # up to MAX_METADATA key/value pairs


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


@attrs.frozen
class TransferQuery:
    """What a search of transfers asks: a customer's own (or, for operators, everyone's), by
    reference, time, status and amount, newest first, after a position (created_at, id)."""

    customer_id: UUID | None  # None: every customer's (operators)
    limit: int
    reference: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    status: TransferStatus | None = None
    least: Money | None = None
    most: Money | None = None
    after: tuple[datetime, UUID] | None = None

    def matches(self, t: Transfer) -> bool:
        """The same test, for a store without a query language (the memory profile)."""
        position = (t.created_at, t.id)
        return ((self.customer_id is None or t.customer_id == self.customer_id)
                and (self.reference is None or t.reference == self.reference)
                and (self.since is None or t.created_at >= self.since)
                and (self.until is None or t.created_at < self.until)
                and (self.status is None or t.status is self.status)
                and (self.least is None or t.amount.minor >= self.least.minor)
                and (self.most is None or t.amount.minor <= self.most.minor)
                and (self.after is None or position < self.after))
