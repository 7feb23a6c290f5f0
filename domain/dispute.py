"""Disputes: a customer says a posted debit of theirs was wrong. It becomes a case the bank's
operators work to a deadline (the SLA); resolved as refunded, it proposes a reversal, which the
same maker-checker approves (domain/reversal.py)."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from uuid import UUID

import attrs

from domain.errors import DisputeNotAllowed, DisputeStateError, ValidationError
from domain.transfer import Transfer, TransferKind, TransferStatus

MAX_TEXT = 1000


class DisputeReason(enum.StrEnum):
    UNAUTHORISED = "unauthorised"  # the customer did not make it
    NOT_RECEIVED = "not_received"  # paid for goods or services that never came
    DUPLICATE = "duplicate"  # charged twice
    WRONG_AMOUNT = "wrong_amount"
    OTHER = "other"


class DisputeStatus(enum.StrEnum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    RESOLVED_REFUNDED = "resolved_refunded"
    RESOLVED_REJECTED = "resolved_rejected"

    @property
    def resolved(self) -> bool:
        return self in (DisputeStatus.RESOLVED_REFUNDED, DisputeStatus.RESOLVED_REJECTED)


@attrs.frozen
class DisputePolicy:
    """A debit may be disputed within `window` of its posting; the bank resolves a case within
    `sla` of its opening."""

    window: timedelta = timedelta(days=90)
    sla: timedelta = timedelta(days=30)


@attrs.frozen
class Dispute:
    id: UUID
    transfer_id: UUID
    customer_id: UUID
    reason: DisputeReason
    description: str
    status: DisputeStatus
    opened_at: datetime
    due_by: datetime  # the SLA: resolved by then
    updated_at: datetime
    assigned_to: UUID | None = None  # the investigating operator
    reversal_id: UUID | None = None  # the refund's reversal, once proposed
    resolution: str | None = None  # the operator's note to the customer
    resolved_at: datetime | None = None

    def overdue(self, now: datetime) -> bool:
        return not self.status.resolved and now > self.due_by

    def investigated_by(self, operator: UUID, now: datetime) -> Dispute:
        self._check_open()
        return attrs.evolve(self, status=DisputeStatus.INVESTIGATING, assigned_to=operator,
                            updated_at=now)

    def check_refundable(self) -> None:
        self._check_open()
        if self.reversal_id is not None:
            raise DisputeStateError("a refund of this dispute already waits for approval",
                                    dispute_id=str(self.id), reversal_id=str(self.reversal_id))

    def refund_proposed(self, operator: UUID, reversal_id: UUID, note: str,
                        now: datetime) -> Dispute:
        self.check_refundable()
        return attrs.evolve(self, status=DisputeStatus.INVESTIGATING, reversal_id=reversal_id,
                            assigned_to=self.assigned_to or operator, resolution=note,
                            updated_at=now)

    def refunded(self, note: str, now: datetime) -> Dispute:
        return attrs.evolve(self, status=DisputeStatus.RESOLVED_REFUNDED, resolution=note,
                            resolved_at=now, updated_at=now)

    def refund_failed(self, now: datetime) -> Dispute:
        """Its refund was rejected or expired: the case is worked again."""
        return attrs.evolve(self, reversal_id=None, updated_at=now)

    def rejected(self, note: str, now: datetime) -> Dispute:
        self._check_open()
        if self.reversal_id is not None:
            raise DisputeStateError("a refund of this dispute waits for approval: reject the "
                                    "reversal first", dispute_id=str(self.id))
        return attrs.evolve(self, status=DisputeStatus.RESOLVED_REJECTED, resolution=note,
                            resolved_at=now, updated_at=now)

    def _check_open(self) -> None:
        if self.status.resolved:
            raise DisputeStateError(f"the dispute is already {self.status.value}",
                                    dispute_id=str(self.id), status=self.status.value)


def check_disputable(transfer: Transfer, now: datetime, policy: DisputePolicy,
                     description: str) -> None:
    """A posted debit may be disputed (by its payer: the caller checks whose it is), within
    the window."""
    if not (1 <= len(description.strip()) <= MAX_TEXT and description.isprintable()):
        raise ValidationError(f"description must be 1-{MAX_TEXT} printable characters",
                              field="description")
    if transfer.status is not TransferStatus.COMPLETED or transfer.posted_at is None:
        raise DisputeNotAllowed(f"the transfer is {transfer.status.value}: only a posted debit "
                                "can be disputed", transfer_id=str(transfer.id))
    if transfer.kind not in (TransferKind.TRANSFER, TransferKind.WITHDRAWAL):
        raise DisputeNotAllowed(f"a {transfer.kind.value} is not a debit you made",
                                transfer_id=str(transfer.id))
    if now > transfer.posted_at + policy.window:
        raise DisputeNotAllowed(f"a debit can be disputed within {policy.window.days} days of "
                                "its posting", transfer_id=str(transfer.id))
