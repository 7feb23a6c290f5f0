"""Standing orders and their occurrences in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.tables import standing_order_occurrences as occurrences
from adapters.sql.tables import standing_orders as orders
from domain.money import Money
from domain.standing_order import (
    Occurrence,
    OccurrenceStatus,
    StandingOrder,
    StandingOrderStatus,
)

_ACTIVE = StandingOrderStatus.ACTIVE.value
_WAITING = [OccurrenceStatus.DUE.value, OccurrenceStatus.RETRYING.value]


def _row(o: StandingOrder) -> dict[str, Any]:
    row = attrs.asdict(o, recurse=False)
    row.update(amount=o.amount.minor, currency=o.amount.currency, status=o.status.value)
    return row


def _order(row: Any) -> StandingOrder:
    values = dict(row._mapping)
    values.update(amount=Money(values["amount"], values.pop("currency")),
                  status=StandingOrderStatus(values["status"]))
    return StandingOrder(**values)


def _occurrence(row: Any) -> Occurrence:
    values = dict(row._mapping)
    values["status"] = OccurrenceStatus(values["status"])
    return Occurrence(**values)


def _occurrence_row(o: Occurrence) -> dict[str, Any]:
    row = attrs.asdict(o, recurse=False)
    row["status"] = o.status.value
    return row


class SqlStandingOrders:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._postgres = conn.dialect.name == "postgresql"

    def add(self, order: StandingOrder) -> None:
        self._conn.execute(orders.insert(), _row(order))

    def update(self, order: StandingOrder) -> None:
        self._conn.execute(orders.update().where(orders.c.id == order.id), _row(order))

    def get(self, order_id: UUID) -> StandingOrder | None:
        row = self._conn.execute(sa.select(orders).where(orders.c.id == order_id)).first()
        return _order(row) if row else None

    def lock(self, order_id: UUID) -> StandingOrder | None:
        query = sa.select(orders).where(orders.c.id == order_id)
        if self._postgres:
            query = query.with_for_update()
        row = self._conn.execute(query).first()
        return _order(row) if row else None

    def of_customer(self, customer_id: UUID) -> list[StandingOrder]:
        query = sa.select(orders).where(orders.c.customer_id == customer_id) \
            .order_by(orders.c.created_at.desc(), orders.c.id.desc())
        return [_order(r) for r in self._conn.execute(query)]

    def by_key(self, customer_id: UUID, idempotency_key: str) -> StandingOrder | None:
        row = self._conn.execute(sa.select(orders).where(
            orders.c.customer_id == customer_id,
            orders.c.idempotency_key == idempotency_key)).first()
        return _order(row) if row else None

    def due(self, now: datetime, limit: int) -> list[StandingOrder]:
        query = sa.select(orders).where(orders.c.status == _ACTIVE, orders.c.next_due_at <= now) \
            .order_by(orders.c.next_due_at, orders.c.id).limit(limit)
        return [_order(r) for r in self._conn.execute(query)]

    def claim(self, order_ids: Sequence[UUID]) -> list[StandingOrder]:
        query = sa.select(orders).where(orders.c.status == _ACTIVE,
                                        orders.c.id.in_(list(order_ids))) \
            .order_by(orders.c.next_due_at, orders.c.id)
        if self._postgres:  # concurrent runners take different orders, never waiting
            query = query.with_for_update(skip_locked=True)
        return [_order(r) for r in self._conn.execute(query)]

    def add_occurrence(self, occurrence: Occurrence) -> bool:
        try:
            with self._conn.begin_nested():
                self._conn.execute(occurrences.insert(), _occurrence_row(occurrence))
            return True
        except sa.exc.IntegrityError:
            return False  # written down already

    def update_occurrence(self, occurrence: Occurrence) -> None:
        c = occurrences.c
        self._conn.execute(occurrences.update().where(
            c.order_id == occurrence.order_id, c.due_at == occurrence.due_at),
            _occurrence_row(occurrence))

    def attemptable(self, now: datetime, limit: int) -> list[Occurrence]:
        c = occurrences.c
        query = sa.select(occurrences).where(
            c.status.in_(_WAITING), sa.or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now)
        ).order_by(c.due_at, c.order_id).limit(limit)
        return [_occurrence(r) for r in self._conn.execute(query)]

    def claim_occurrence(self, order_id: UUID, due_at: datetime) -> Occurrence | None:
        c = occurrences.c
        query = sa.select(occurrences).where(c.order_id == order_id, c.due_at == due_at)
        if self._postgres:
            query = query.with_for_update(skip_locked=True)
        row = self._conn.execute(query).first()
        return _occurrence(row) if row else None

    def occurrences(self, order_id: UUID, limit: int) -> list[Occurrence]:
        query = sa.select(occurrences).where(occurrences.c.order_id == order_id) \
            .order_by(occurrences.c.due_at.desc()).limit(limit)
        return [_occurrence(r) for r in self._conn.execute(query)]

    def unsettled(self, order_id: UUID) -> list[Occurrence]:
        c = occurrences.c
        query = sa.select(occurrences).where(c.order_id == order_id, c.status.in_(_WAITING)) \
            .order_by(c.due_at)
        return [_occurrence(r) for r in self._conn.execute(query)]
