"""Standing orders and their occurrences over the memory store (the writer's lock is every
claim: one writer at a time)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from adapters.memory.staged import Staged
from adapters.memory.store import MemoryStore
from domain.standing_order import (
    Occurrence,
    OccurrenceStatus,
    StandingOrder,
    StandingOrderStatus,
)

_WAITING = (OccurrenceStatus.DUE, OccurrenceStatus.RETRYING)


class MemoryStandingOrders:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def _orders(self) -> list[StandingOrder]:
        with self._store.state:
            return list({**self._store.standing_orders, **self._staged.standing_orders}.values())

    def _occurrences(self) -> dict[tuple[UUID, datetime], Occurrence]:
        with self._store.state:
            return {**self._store.occurrences, **self._staged.occurrences}

    def add(self, order: StandingOrder) -> None:
        self._staged.standing_orders[order.id] = order

    update = add

    def get(self, order_id: UUID) -> StandingOrder | None:
        with self._store.state:
            return self._staged.standing_orders.get(order_id) or \
                self._store.standing_orders.get(order_id)

    lock = get

    def of_customer(self, customer_id: UUID) -> list[StandingOrder]:
        mine = [o for o in self._orders() if o.customer_id == customer_id]
        return sorted(mine, key=lambda o: (o.created_at, o.id), reverse=True)

    def by_key(self, customer_id: UUID, idempotency_key: str) -> StandingOrder | None:
        return next((o for o in self._orders() if o.customer_id == customer_id
                     and o.idempotency_key == idempotency_key), None)

    def due(self, now: datetime, limit: int) -> list[StandingOrder]:
        found = [o for o in self._orders() if o.status is StandingOrderStatus.ACTIVE
                 and o.next_due_at is not None and o.next_due_at <= now]
        return sorted(found, key=lambda o: (o.next_due_at, o.id))[:limit]

    def claim(self, order_ids: Sequence[UUID]) -> list[StandingOrder]:
        wanted = set(order_ids)
        return sorted((o for o in self._orders() if o.id in wanted
                       and o.status is StandingOrderStatus.ACTIVE),
                      key=lambda o: (o.next_due_at or o.created_at, o.id))

    def add_occurrence(self, occurrence: Occurrence) -> bool:
        key = (occurrence.order_id, occurrence.due_at)
        if key in self._occurrences():
            return False
        self._staged.occurrences[key] = occurrence
        return True

    def update_occurrence(self, occurrence: Occurrence) -> None:
        self._staged.occurrences[(occurrence.order_id, occurrence.due_at)] = occurrence

    def attemptable(self, now: datetime, limit: int) -> list[Occurrence]:
        found = [o for o in self._occurrences().values() if o.status in _WAITING
                 and (o.next_attempt_at is None or o.next_attempt_at <= now)]
        return sorted(found, key=lambda o: (o.due_at, o.order_id))[:limit]

    def claim_occurrence(self, order_id: UUID, due_at: datetime) -> Occurrence | None:
        return self._occurrences().get((order_id, due_at))

    def occurrences(self, order_id: UUID, limit: int) -> list[Occurrence]:
        mine = [o for o in self._occurrences().values() if o.order_id == order_id]
        return sorted(mine, key=lambda o: o.due_at, reverse=True)[:limit]

    def unsettled(self, order_id: UUID) -> list[Occurrence]:
        mine = [o for o in self._occurrences().values()
                if o.order_id == order_id and o.status in _WAITING]
        return sorted(mine, key=lambda o: o.due_at)
