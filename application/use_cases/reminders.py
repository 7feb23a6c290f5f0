"""Reminders: the customer's own list, and the runner that delivers each due occurrence
exactly once (outbox row and the move to the next occurrence in one transaction)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ownership import owned
from application.ports import Clock, IdGenerator, Notifier, Recurrence, UnitOfWorkFactory
from domain.errors import ReminderNotFound, ValidationError
from domain.money import Money
from domain.reminder import Notification, Reminder, ReminderStatus, ReminderType


@attrs.frozen
class ReminderDetails:
    type: ReminderType
    title: str
    due_at: datetime
    rrule: str | None = None
    amount: Money | None = None


class ManageReminders:
    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 recurrence: Recurrence, audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock
        self._recurrence = recurrence
        self._audit = audit

    def add(self, customer_id: UUID, details: ReminderDetails,
            context: RequestContext) -> Reminder:
        if details.due_at.tzinfo is None:
            raise ValidationError("due_at needs a time zone", field="due_at")
        if details.rrule is not None:
            self._recurrence.check(details.rrule)
        reminder = Reminder(id=self._ids.new_id(), customer_id=customer_id,
                            created_at=self._clock.now(), **attrs.asdict(details, recurse=False))
        reminder.check()
        with self._uow_factory(write=True) as uow:
            uow.reminders.add(reminder)
            uow.audit.append(self._audit.event(context, "reminder.added", customer_id=customer_id,
                                               resource=f"reminder:{reminder.id}"))
            uow.commit()
        return reminder

    def list(self, customer_id: UUID) -> list[Reminder]:
        with self._uow_factory() as uow:
            return uow.reminders.of_customer(customer_id)

    def set_status(self, customer_id: UUID, reminder_id: UUID, status: ReminderStatus,
                   context: RequestContext) -> Reminder:
        with self._uow_factory(write=True) as uow:
            reminder = _owned(uow.reminders.get(reminder_id), customer_id, reminder_id)
            reminder.set_status(status)
            uow.reminders.update(reminder)
            uow.audit.append(self._audit.event(context, "reminder.status", customer_id=customer_id,
                                               resource=f"reminder:{reminder_id}",
                                               status=status.value))
            uow.commit()
            return reminder

    def delete(self, customer_id: UUID, reminder_id: UUID, context: RequestContext) -> None:
        with self._uow_factory(write=True) as uow:
            _owned(uow.reminders.get(reminder_id), customer_id, reminder_id)
            uow.reminders.delete(reminder_id)
            uow.audit.append(self._audit.event(context, "reminder.deleted",
                                               customer_id=customer_id,
                                               resource=f"reminder:{reminder_id}"))
            uow.commit()


class RunDueReminders:
    """Safe to run from cron, concurrently: PostgreSQL runners skip each other's locked rows,
    SQLite runs one writer at a time, and the outbox's unique key refuses a second delivery."""

    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 recurrence: Recurrence, notifier: Notifier) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock
        self._recurrence = recurrence
        self._notifier = notifier

    def execute(self, batch: int = 100) -> int:
        delivered = 0
        while True:
            sent: list[Notification] = []
            with self._uow_factory(write=True) as uow:
                now = self._clock.now()
                due = uow.reminders.claim_due(now, batch)
                for reminder in due:
                    note = Notification(
                        id=self._ids.new_id(), customer_id=reminder.customer_id,
                        reminder_id=reminder.id, occurrence=reminder.due_at,
                        title=reminder.title, created_at=now,
                        body=f"{reminder.type.value.replace('_', ' ').title()}: {reminder.title}"
                             + (f" ({reminder.amount})" if reminder.amount else ""))
                    if uow.reminders.add_notification(note):
                        sent.append(note)
                    start = reminder.starts_at or reminder.due_at
                    following = self._recurrence.next_after(
                        reminder.rrule, start, reminder.due_at) if reminder.rrule else None
                    reminder.delivered_once(following)
                    uow.reminders.update(reminder)
                uow.commit()
            for note in sent:  # after the commit: the outbox row is the record of delivery
                self._notifier.send(note)
            delivered += len(sent)
            if not due:  # missed occurrences (the runner was down) are each delivered too
                return delivered


def _owned(found: Reminder | None, customer_id: UUID, reminder_id: UUID) -> Reminder:
    return owned(found, customer_id,
                 ReminderNotFound("no such reminder", reminder_id=str(reminder_id)))
