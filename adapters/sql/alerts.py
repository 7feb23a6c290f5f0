"""Alert preferences and the event feed's consumers in SQL. A consumer is held by a conditional
UPDATE (its lease), so of two dispatchers one alerts and the other waits its turn."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.tables import alert_preferences, event_consumers
from domain.alerts import AlertPreferences
from domain.money import Money

_P = alert_preferences.c
_C = event_consumers.c


def _row(p: AlertPreferences) -> dict[str, Any]:
    currency = (p.debit_above or p.credit_above or Money.zero()).currency
    return {"customer_id": p.customer_id, "currency": currency,
            "debit_above": p.debit_above.minor if p.debit_above else None,
            "credit_above": p.credit_above.minor if p.credit_above else None,
            "security": p.security, "reminders": p.reminders,
            "standing_orders": p.standing_orders, "updated_at": p.updated_at}


def _preferences(r: Any) -> AlertPreferences:
    return AlertPreferences(
        r.customer_id,
        debit_above=Money(r.debit_above, r.currency) if r.debit_above is not None else None,
        credit_above=Money(r.credit_above, r.currency) if r.credit_above is not None else None,
        security=r.security, reminders=r.reminders, standing_orders=r.standing_orders,
        updated_at=r.updated_at)


class SqlAlerts:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def preferences(self, customer_id: UUID) -> AlertPreferences | None:
        row = self._conn.execute(
            sa.select(alert_preferences).where(_P.customer_id == customer_id)).first()
        return _preferences(row) if row else None

    def save(self, preferences: AlertPreferences) -> None:
        row = _row(preferences)
        done = self._conn.execute(alert_preferences.update().where(
            _P.customer_id == preferences.customer_id), row).rowcount
        if done == 0:
            self._conn.execute(alert_preferences.insert(), row)

    def claim(self, consumer: str, start: int, now: datetime, until: datetime) -> int | None:
        try:
            with self._conn.begin_nested():  # made the first time, free at once
                self._conn.execute(event_consumers.insert(),
                                   {"name": consumer, "position": start, "leased_until": None})
        except sa.exc.IntegrityError:
            pass  # there already
        taken = self._conn.execute(event_consumers.update().where(
            _C.name == consumer, sa.or_(_C.leased_until.is_(None), _C.leased_until <= now),
        ).values(leased_until=until)).rowcount
        if taken != 1:
            return None
        position: int = self._conn.execute(
            sa.select(_C.position).where(_C.name == consumer)).scalar_one()
        return position

    def release(self, consumer: str, position: int, lease: datetime) -> bool:
        done = self._conn.execute(event_consumers.update().where(
            _C.name == consumer, _C.leased_until == lease,
        ).values(position=position, leased_until=None)).rowcount
        return bool(done == 1)
