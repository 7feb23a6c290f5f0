"""Reminders: the customer's own list (the runner that delivers them: run_due_reminders.py)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ownership import owned
from application.ports import Clock, IdGenerator, Recurrence, UnitOfWorkFactory
from domain.errors import ReminderNotFound, ValidationError
from domain.money import Money
from domain.reminder import Reminder, ReminderStatus, ReminderType


@attrs.frozen
class ReminderDetails:
    type: ReminderType
    title: str
    due_at: datetime
    rrule: str | None = None
    amount: Money | None = None


# Every pending reminder is work for `run-due`, shared by all customers: one customer's must
# not crowd out everyone else's.
MOST_PENDING = 100


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
        if details.rrule is not None:  # before the write: a rule's check is bounded CPU work
            self._recurrence.check(details.rrule, details.due_at)
        reminder = Reminder(id=self._ids.new_id(), customer_id=customer_id,
                            created_at=self._clock.now(), **attrs.asdict(details, recurse=False))
        reminder.check()
        with self._uow_factory(write=True) as uow:
            uow.customers.lock(customer_id)  # one add at a time per customer: the cap holds
            waiting = sum(r.status is ReminderStatus.PENDING
                          for r in uow.reminders.of_customer(customer_id))
            if waiting >= MOST_PENDING:
                raise ValidationError(f"a customer may have at most {MOST_PENDING} pending "
                                      "reminders; complete or delete some first",
                                      reason="too_many_reminders")
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


def _owned(found: Reminder | None, customer_id: UUID, reminder_id: UUID) -> Reminder:
    return owned(found, customer_id,
                 ReminderNotFound("no such reminder", reminder_id=str(reminder_id)))
