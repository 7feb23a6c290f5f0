"""Reminders: bills, EMIs and subscriptions the customer wants to be told about, once per
occurrence, on a recurrence rule (an RFC 5545 RRULE subset)."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from uuid import UUID

import attrs

from domain.errors import ValidationError
from domain.money import Money

# A recurring reminder delivers each occurrence it missed, oldest first: one dated long ago would
# flood its owner and hold everyone else's reminders behind its own catching up.
MOST_MISSED = timedelta(days=366)


class ReminderType(enum.StrEnum):
    BILL_PAYMENT = "BILL_PAYMENT"
    EMI = "EMI"
    SUBSCRIPTION = "SUBSCRIPTION"
    CUSTOM = "CUSTOM"


class ReminderStatus(enum.StrEnum):
    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    SUSPENDED = "SUSPENDED"  # by the bank: its rule cannot be evaluated (the owner may cancel)


@attrs.define(eq=False)
class Reminder:
    id: UUID
    customer_id: UUID
    type: ReminderType
    title: str
    due_at: datetime  # the next occurrence still to deliver
    created_at: datetime
    rrule: str | None = None
    amount: Money | None = None
    status: ReminderStatus = ReminderStatus.PENDING
    delivered: int = 0
    starts_at: datetime | None = None  # the first occurrence: where the RRULE counts from

    def __attrs_post_init__(self) -> None:
        if self.starts_at is None:
            self.starts_at = self.due_at

    def check(self) -> None:
        if not (1 <= len(self.title.strip()) <= 120 and self.title.isprintable()):
            raise ValidationError("title must be 1-120 printable characters", field="title")
        if self.amount is not None and not self.amount.is_positive():
            raise ValidationError("amount must be greater than zero", field="amount")
        if self.rrule is not None and self.due_at < self.created_at - MOST_MISSED:
            raise ValidationError(f"a recurring reminder's due_at may lie at most "
                                  f"{MOST_MISSED.days} days in the past", field="due_at")

    def set_status(self, status: ReminderStatus) -> None:
        """The owner completes or cancels a pending or suspended reminder; only the bank
        suspends one, so that a reminder it could not evaluate is never silently resumed."""
        ended = {ReminderStatus.COMPLETED, ReminderStatus.CANCELLED}
        if status is not self.status and (status not in ended or self.status in ended):
            raise ValidationError(f"a {self.status.value.lower()} reminder cannot become "
                                  f"{status.value.lower()}", field="status")
        self.status = status

    def suspend(self) -> None:
        """Its next occurrence cannot be computed: set aside, never delivered again."""
        self.status = ReminderStatus.SUSPENDED

    def delivered_once(self, next_due: datetime | None) -> None:
        """One occurrence went out; move to the next one, or finish."""
        self.delivered += 1
        if next_due is None:
            self.status = ReminderStatus.COMPLETED
        else:
            self.due_at = next_due


@attrs.frozen
class Notification:
    """What a reminder tells the customer; kept in the outbox once per occurrence."""

    id: UUID
    customer_id: UUID
    reminder_id: UUID
    occurrence: datetime
    title: str
    body: str
    created_at: datetime
