"""Delivering due reminders: each occurrence exactly once (the outbox row and the move to the
next occurrence in one transaction), and a reminder whose rule cannot be evaluated set aside
instead of stopping everyone's."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import SYSTEM
from application.ports import Clock, IdGenerator, Notifier, Recurrence, UnitOfWorkFactory
from domain.audit import Outcome
from domain.errors import ValidationError
from domain.reminder import Notification, Reminder, ReminderStatus


@attrs.frozen
class DueRun:
    """What one run did: occurrences delivered, and reminders skipped because their next
    occurrence cannot be computed (each suspended and audited)."""

    delivered: int = 0
    skipped: int = 0


class RunDueReminders:
    """Safe to run from cron, concurrently: PostgreSQL runners skip each other's locked rows,
    SQLite runs one writer at a time, and the outbox's unique key refuses a second delivery.
    Next occurrences are computed before the write begins, so the writer is held only for the
    writes; a reminder changed meanwhile by another runner is left for the next round."""

    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 recurrence: Recurrence, notifier: Notifier, audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock
        self._recurrence = recurrence
        self._notifier = notifier
        self._audit = audit

    def execute(self, batch: int = 100) -> DueRun:
        delivered = skipped = 0
        while True:
            now = self._clock.now()
            with self._uow_factory() as uow:
                due = uow.reminders.due(now, batch)
            if not due:  # missed occurrences (the runner was down) are each delivered too
                return DueRun(delivered, skipped)
            planned = {r.id: (r, self._following(r)) for r in due}
            sent, set_aside = self._deliver(planned, now)
            for note in sent:  # after the commit: the outbox row is the record of delivery
                self._notifier.send(note)
            delivered += len(sent)
            skipped += set_aside
            if not sent and not set_aside:  # another runner holds them: theirs, not ours
                return DueRun(delivered, skipped)

    def _following(self, reminder: Reminder) -> datetime | ValidationError | None:
        if not reminder.rrule:
            return None
        try:
            return self._recurrence.next_after(reminder.rrule, reminder.starts_at or
                                               reminder.due_at, reminder.due_at)
        except ValidationError as error:  # a rule stored before rules were checked strictly
            return error

    def _deliver(self, planned: dict[UUID, tuple[Reminder, datetime | ValidationError | None]],
                 now: datetime) -> tuple[list[Notification], int]:
        sent: list[Notification] = []
        set_aside = 0
        with self._uow_factory(write=True) as uow:
            for reminder in uow.reminders.claim(list(planned)):
                read, following = planned[reminder.id]
                if (reminder.status, reminder.due_at, reminder.rrule, reminder.starts_at) != \
                        (ReminderStatus.PENDING, read.due_at, read.rrule, read.starts_at):
                    continue  # another runner moved it on: read again next round
                if isinstance(following, ValidationError):
                    reminder.suspend()
                    uow.reminders.update(reminder)
                    uow.audit.append(self._audit.event(
                        SYSTEM, "reminder.suspended", outcome=Outcome.FAILURE,
                        customer_id=reminder.customer_id, resource=f"reminder:{reminder.id}",
                        rrule=reminder.rrule, reason=following.message))
                    set_aside += 1
                    continue
                note = _notification(self._ids.new_id(), reminder, now)
                if uow.reminders.add_notification(note):
                    sent.append(note)
                    uow.audit.append(self._audit.event(  # announced: domain/events.py
                        SYSTEM, "reminder.due", customer_id=reminder.customer_id,
                        resource=f"reminder:{reminder.id}", title=reminder.title,
                        type=reminder.type.value, occurrence=reminder.due_at.isoformat(),
                        amount=reminder.amount.format() if reminder.amount else None,
                        currency=reminder.amount.currency if reminder.amount else None))
                reminder.delivered_once(following)
                uow.reminders.update(reminder)
            uow.commit()
        return sent, set_aside


def _notification(note_id: UUID, reminder: Reminder, now: datetime) -> Notification:
    return Notification(
        id=note_id, customer_id=reminder.customer_id, reminder_id=reminder.id,
        occurrence=reminder.due_at, title=reminder.title, created_at=now,
        body=f"{reminder.type.value.replace('_', ' ').title()}: {reminder.title}"
             + (f" ({reminder.amount})" if reminder.amount else ""))
