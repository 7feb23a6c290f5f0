"""Reversals: a posted transfer is corrected by a new, compensating transfer from its payee back
to its payer, never by editing or deleting it. An operator proposes one; above the bank's
configured amount a second operator must approve it (maker-checker), before it expires."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from uuid import UUID

import attrs

from domain.errors import (
    ReversalDecided,
    ReversalExpired,
    ReversalNotAllowed,
    SameOperator,
    ValidationError,
)
from domain.money import Money
from domain.transfer import Transfer, TransferKind, TransferStatus

MAX_REASON = 280


class ReversalStatus(enum.StrEnum):
    PENDING_APPROVAL = "pending_approval"  # proposed; waits for a second operator
    POSTED = "posted"  # the compensating transfer is in the ledger
    REJECTED = "rejected"  # the second operator said no
    EXPIRED = "expired"  # nobody approved it in time


@attrs.frozen
class ReversalPolicy:
    """The bank's rules: once what is reversed of one transfer would pass `approval_above`
    (major units of `currency`, the bank's own) a second operator must approve; a proposal
    waits at most `proposal_lifetime`."""

    approval_above: str = "10000.00"
    proposal_lifetime: timedelta = timedelta(hours=24)
    currency: str = "INR"

    def needs_approval(self, amount: Money, taken: Money) -> bool:
        """Does a proposal of `amount` need a second operator, when `taken` of the same
        transfer is already reversed or waits for approval? The amount bounds all one operator
        reverses of a transfer, so splitting a reversal into small proposals never escapes the
        second operator. In any other currency one operator's word is never enough: the
        same number means another sum of money there, and no exchange rate is kept here."""
        if amount.currency != self.currency:
            return True
        return (taken + amount).exceeds(self.approval_above)


@attrs.frozen
class Reversal:
    id: UUID
    transfer_id: UUID  # the original, posted transfer
    amount: Money
    reason: str
    proposed_by: UUID
    proposed_at: datetime
    expires_at: datetime
    status: ReversalStatus = ReversalStatus.PENDING_APPROVAL
    decided_by: UUID | None = None
    decided_at: datetime | None = None
    reversal_transfer_id: UUID | None = None  # the compensating transfer, once posted
    dispute_id: UUID | None = None  # the dispute it refunds, if any
    # The proposer's key, so a retried proposal is the same proposal, and what it asked.
    idempotency_key: str | None = None
    fingerprint: str = ""

    def status_at(self, now: datetime) -> ReversalStatus:
        """Its status as of `now`: a proposal nobody decided in time has expired."""
        if self.status is ReversalStatus.PENDING_APPROVAL and now >= self.expires_at:
            return ReversalStatus.EXPIRED
        return self.status

    def check_decidable(self, operator: UUID, now: datetime, *, approving: bool) -> None:
        """A second operator may approve a proposal that still waits (maker-checker); its
        proposer may only withdraw it (reject), which moves no money."""
        status = self.status_at(now)
        if status is ReversalStatus.EXPIRED:
            raise ReversalExpired(f"the proposal expired at {self.expires_at.isoformat()}",
                                  reversal_id=str(self.id))
        if status is not ReversalStatus.PENDING_APPROVAL:
            raise ReversalDecided(f"the reversal is already {status.value}",
                                  reversal_id=str(self.id), status=status.value)
        if approving and operator == self.proposed_by:
            raise SameOperator("the operator who proposed a reversal cannot approve it: a "
                               "second operator must", reversal_id=str(self.id))

    def posted(self, operator: UUID, now: datetime, transfer_id: UUID) -> Reversal:
        return attrs.evolve(self, status=ReversalStatus.POSTED, decided_by=operator,
                            decided_at=now, reversal_transfer_id=transfer_id)

    def rejected(self, operator: UUID, now: datetime) -> Reversal:
        return attrs.evolve(self, status=ReversalStatus.REJECTED, decided_by=operator,
                            decided_at=now)

    def expired(self) -> Reversal:
        return attrs.evolve(self, status=ReversalStatus.EXPIRED, decided_at=self.expires_at)


def spoken_for(reversals: list[Reversal], now: datetime, currency: str,
               *, besides: UUID | None = None) -> Money:
    """What of a transfer is reversed or waits for approval: no more may be proposed."""
    counted = (ReversalStatus.POSTED, ReversalStatus.PENDING_APPROVAL)
    return sum((r.amount for r in reversals
                if r.id != besides and r.status_at(now) in counted), Money.zero(currency))


def reversible(original: Transfer, reversals: list[Reversal], now: datetime) -> Money:
    """What of `original` may still be proposed for reversal (zero if it never moved money)."""
    if original.status is not TransferStatus.COMPLETED or original.kind is TransferKind.REVERSAL:
        return Money.zero(original.amount.currency)
    return original.amount - spoken_for(reversals, now, original.amount.currency)


def check_reversible(original: Transfer, amount: Money, reason: str, taken: Money) -> None:
    """May `amount` of `original` be reversed, when `taken` of it is already reversed or
    proposed? Only a posted movement of money, never a reversal, and never more than it moved."""
    if not (1 <= len(reason.strip()) <= MAX_REASON and reason.isprintable()):
        raise ValidationError(f"reason must be 1-{MAX_REASON} printable characters",
                              field="reason")
    if amount.currency != original.amount.currency:
        raise ValidationError(f"the transfer moved {original.amount.currency}, not "
                              f"{amount.currency}", field="amount")
    if not amount.is_positive():
        raise ValidationError("amount must be greater than zero", field="amount")
    if original.status is not TransferStatus.COMPLETED:
        raise ReversalNotAllowed(f"the transfer is {original.status.value}: only a posted "
                                 "transfer moved money to reverse", transfer_id=str(original.id))
    if original.kind is TransferKind.REVERSAL:
        raise ReversalNotAllowed("a reversal cannot itself be reversed; propose a new transfer",
                                 transfer_id=str(original.id))
    remaining = original.amount - taken
    if remaining < amount:
        raise ReversalNotAllowed(
            f"at most {remaining.format()} {remaining.currency} of this transfer can still be "
            f"reversed (of {original.amount.format()}; the rest is reversed or proposed)",
            transfer_id=str(original.id), reversible=remaining.format())
