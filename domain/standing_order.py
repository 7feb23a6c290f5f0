"""Standing orders: a customer's instruction to pay someone an amount once or on a recurrence
rule (the RRULE subset reminders use), from a start until an optional end. Each occurrence is
paid at most once: its payment's idempotency key is derived from the order and the occurrence."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from uuid import UUID

import attrs

from domain.errors import StandingOrderStateError, ValidationError
from domain.money import Money

MAX_DESCRIPTION = 140


class StandingOrderStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # no occurrence comes due while paused; those it would have had are skipped
    CANCELLED = "cancelled"
    # Nothing left to schedule nor to pay: an order whose last occurrence is written down stays
    # active while that payment may still be tried again, so the customer can still stop it.
    COMPLETED = "completed"


class OccurrenceStatus(enum.StrEnum):
    DUE = "due"  # scheduled, not yet attempted
    PAID = "paid"
    RETRYING = "retrying"  # an attempt failed; another is scheduled
    FAILED = "failed"  # every attempt failed: the reason says why
    HELD = "held"  # the fraud screen held the payment for a challenge or a review

    @property
    def settled(self) -> bool:
        return self in (OccurrenceStatus.PAID, OccurrenceStatus.FAILED, OccurrenceStatus.HELD)


@attrs.frozen
class StandingOrderPolicy:
    """A failed occurrence is tried again `retries` times, `retry_after` apart; a runner that
    took an occurrence holds it for `lease` (after a crash, another runner takes it then)."""

    retries: int = 2
    retry_after: timedelta = timedelta(hours=4)
    lease: timedelta = timedelta(minutes=5)


@attrs.frozen
class StandingOrder:
    id: UUID
    customer_id: UUID
    from_account_number: str
    amount: Money
    description: str
    starts_at: datetime  # the first occurrence: where the rule counts from
    created_at: datetime
    updated_at: datetime
    next_due_at: datetime | None  # None once it has no occurrence left
    to_account_number: str | None = None  # exactly one of these two
    beneficiary_id: UUID | None = None
    rrule: str | None = None  # None: once, at starts_at
    ends_at: datetime | None = None  # no occurrence after it
    status: StandingOrderStatus = StandingOrderStatus.ACTIVE
    reminder_id: UUID | None = None  # an EMI or bill reminder it pays
    # The customer's Idempotency-Key and a digest of what they asked: a retry of the request
    # finds this order again instead of adding a second one that would pay everything twice.
    idempotency_key: str | None = None
    fingerprint: str | None = None

    def check(self) -> None:
        if (self.to_account_number is None) == (self.beneficiary_id is None):
            raise ValidationError("give exactly one of to_account_number and beneficiary_id",
                                  field="to_account_number")
        if not self.amount.is_positive():
            raise ValidationError("amount must be greater than zero", field="amount")
        if not (len(self.description) <= MAX_DESCRIPTION and self.description.isprintable()):
            raise ValidationError(f"description must be at most {MAX_DESCRIPTION} printable "
                                  "characters", field="description")
        if self.starts_at < self.created_at - timedelta(minutes=1):
            raise ValidationError("starts_at must not lie in the past: a standing order never "
                                  "pays backdated occurrences", field="starts_at")
        if self.ends_at is not None and self.ends_at < self.starts_at:
            raise ValidationError("ends_at must not come before starts_at", field="ends_at")

    def moved_on(self, following: datetime | None, now: datetime) -> StandingOrder:
        """One occurrence is scheduled; the next is `following` (None: it has no more). It
        stays active until its last payment settles (`finished`)."""
        if following is not None and self.ends_at is not None and following > self.ends_at:
            following = None
        return attrs.evolve(self, next_due_at=following, updated_at=now)

    def finished(self, unsettled: int, now: datetime) -> StandingOrder:
        """Completed when no occurrence is left to schedule and none of its payments
        (`unsettled` of them) may still be tried; otherwise unchanged."""
        if self.status is not StandingOrderStatus.ACTIVE or self.next_due_at is not None \
                or unsettled:
            return self
        return attrs.evolve(self, status=StandingOrderStatus.COMPLETED, updated_at=now)

    def paused(self, now: datetime) -> StandingOrder:
        self._check(StandingOrderStatus.ACTIVE, "pause")
        return attrs.evolve(self, status=StandingOrderStatus.PAUSED, updated_at=now)

    def resumed(self, following: datetime | None, now: datetime) -> StandingOrder:
        """Active again from `following`, its first occurrence after now; completed if it has
        none (what was written down before the pause was stopped with it, never paid)."""
        self._check(StandingOrderStatus.PAUSED, "resume")
        return attrs.evolve(self, status=StandingOrderStatus.ACTIVE, updated_at=now
                            ).moved_on(following, now).finished(0, now)

    def cancelled(self, now: datetime) -> StandingOrder:
        if self.status in (StandingOrderStatus.CANCELLED, StandingOrderStatus.COMPLETED):
            raise StandingOrderStateError(f"the standing order is already {self.status.value}",
                                          standing_order_id=str(self.id))
        return attrs.evolve(self, status=StandingOrderStatus.CANCELLED, next_due_at=None,
                            updated_at=now)

    def payment_key(self, occurrence: datetime) -> str:
        """The idempotency key of one occurrence's payment: the same however often tried."""
        return f"standing-order:{self.id}:{occurrence.isoformat()}"

    def _check(self, status: StandingOrderStatus, verb: str) -> None:
        if self.status is not status:
            raise StandingOrderStateError(f"a {self.status.value} standing order cannot "
                                          f"{verb}", standing_order_id=str(self.id))


@attrs.frozen
class Occurrence:
    """One due payment of a standing order, and what became of it."""

    order_id: UUID
    due_at: datetime
    status: OccurrenceStatus
    attempts: int = 0
    next_attempt_at: datetime | None = None  # when a runner may (next) take it
    transfer_id: UUID | None = None
    reason: str | None = None  # the last failure's code and message
    updated_at: datetime | None = None
    # The runner's lease while one holds it: only that runner may write what its attempt did
    # (a runner slower than its lease finds another's token, and leaves the outcome alone).
    lease: UUID | None = None

    def taken(self, until: datetime, lease: UUID) -> Occurrence:
        """A runner holds it until then (its lease, named by a token of its own)."""
        return attrs.evolve(self, next_attempt_at=until, lease=lease)

    def held_by(self, lease: UUID | None) -> bool:
        """Still waiting, under this lease: its runner's attempt is the one to record."""
        return lease is not None and self.lease == lease and not self.status.settled

    def paid(self, transfer_id: UUID, now: datetime) -> Occurrence:
        return attrs.evolve(self, status=OccurrenceStatus.PAID, attempts=self.attempts + 1,
                            transfer_id=transfer_id, next_attempt_at=None, updated_at=now,
                            lease=None)

    def held(self, transfer_id: UUID, reason: str, now: datetime) -> Occurrence:
        return attrs.evolve(self, status=OccurrenceStatus.HELD, attempts=self.attempts + 1,
                            transfer_id=transfer_id, reason=reason, next_attempt_at=None,
                            updated_at=now, lease=None)

    def failed_attempt(self, reason: str, now: datetime,
                       policy: StandingOrderPolicy) -> Occurrence:
        attempts = self.attempts + 1
        if attempts > policy.retries:
            return attrs.evolve(self, status=OccurrenceStatus.FAILED, attempts=attempts,
                                reason=reason, next_attempt_at=None, updated_at=now, lease=None)
        return attrs.evolve(self, status=OccurrenceStatus.RETRYING, attempts=attempts,
                            reason=reason, next_attempt_at=now + policy.retry_after,
                            updated_at=now, lease=None)

    def stopped(self, order_status: StandingOrderStatus, now: datetime) -> Occurrence:
        """Not paid: its order was paused or cancelled first (however far its runner got)."""
        return attrs.evolve(self, status=OccurrenceStatus.FAILED, next_attempt_at=None,
                            reason=f"the standing order was {order_status.value} before it "
                            "was paid", updated_at=now, lease=None)
