"""Reminders and the notification outbox in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.tables import notifications, reminders
from domain.money import Money
from domain.reminder import Notification, Reminder, ReminderStatus, ReminderType


def _row(r: Reminder) -> dict[str, Any]:
    row = attrs.asdict(r, recurse=False)
    amount = row.pop("amount")
    row.update(type=r.type.value, status=r.status.value,
               amount=amount.minor if amount else None, currency=amount.currency if amount else None)
    return row


def _reminder(row: Any) -> Reminder:
    values = dict(row._mapping)
    minor, currency = values.pop("amount"), values.pop("currency")
    values.update(type=ReminderType(values["type"]), status=ReminderStatus(values["status"]),
                  amount=Money(minor, currency) if minor is not None else None)
    return Reminder(**values)


class SqlReminders:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, reminder: Reminder) -> None:
        self._conn.execute(reminders.insert(), _row(reminder))

    def update(self, reminder: Reminder) -> None:
        self._conn.execute(reminders.update().where(reminders.c.id == reminder.id), _row(reminder))

    def delete(self, reminder_id: UUID) -> None:
        self._conn.execute(notifications.delete().where(notifications.c.reminder_id == reminder_id))
        self._conn.execute(reminders.delete().where(reminders.c.id == reminder_id))

    def get(self, reminder_id: UUID) -> Reminder | None:
        row = self._conn.execute(sa.select(reminders).where(reminders.c.id == reminder_id)).first()
        return _reminder(row) if row else None

    def of_customer(self, customer_id: UUID) -> list[Reminder]:
        query = sa.select(reminders).where(reminders.c.customer_id == customer_id) \
            .order_by(reminders.c.due_at)
        return [_reminder(r) for r in self._conn.execute(query)]

    def due(self, now: datetime, limit: int) -> list[Reminder]:
        query = sa.select(reminders).where(
            reminders.c.status == ReminderStatus.PENDING.value, reminders.c.due_at <= now,
        ).order_by(reminders.c.due_at, reminders.c.id).limit(limit)
        return [_reminder(r) for r in self._conn.execute(query)]

    def claim(self, reminder_ids: Sequence[UUID]) -> list[Reminder]:
        query = sa.select(reminders).where(
            reminders.c.status == ReminderStatus.PENDING.value,
            reminders.c.id.in_(list(reminder_ids))).order_by(reminders.c.due_at, reminders.c.id)
        if self._conn.dialect.name == "postgresql":
            # Concurrent runners each take different reminders and never wait on each other.
            query = query.with_for_update(skip_locked=True)
        return [_reminder(r) for r in self._conn.execute(query)]

    def add_notification(self, notification: Notification) -> bool:
        try:
            with self._conn.begin_nested():
                self._conn.execute(notifications.insert(), attrs.asdict(notification))
            return True
        except sa.exc.IntegrityError:
            return False  # this occurrence was delivered already

    def notifications(self, customer_id: UUID) -> list[Notification]:
        query = sa.select(notifications).where(notifications.c.customer_id == customer_id) \
            .order_by(notifications.c.occurrence)
        return [Notification(**dict(r._mapping)) for r in self._conn.execute(query)]
