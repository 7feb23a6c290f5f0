"""Webhook endpoints and deliveries over the memory store: writers hold the store's writer lock,
so a claim or a settle reads and changes a delivery with no one in between."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from adapters.memory.staged import Staged
from adapters.memory.store import MemoryStore
from domain.webhook import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    EndpointStatus,
    WebhookEndpoint,
)


class MemoryWebhooks:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def add(self, endpoint: WebhookEndpoint) -> None:
        self._staged.webhook_endpoints[endpoint.id] = endpoint

    def get(self, endpoint_id: UUID) -> WebhookEndpoint | None:
        return self._endpoints().get(endpoint_id)

    lock = get  # the writer lock is held for the whole transaction

    def update(self, endpoint: WebhookEndpoint) -> None:
        self._staged.webhook_endpoints[endpoint.id] = endpoint

    def endpoints(self) -> list[WebhookEndpoint]:
        return sorted(self._endpoints().values(), key=lambda e: (e.created_at, str(e.id)))

    def add_delivery(self, delivery: Delivery) -> bool:
        if any(d.endpoint_id == delivery.endpoint_id
               and d.event_sequence == delivery.event_sequence
               for d in self._deliveries().values()):
            return False
        self._staged.webhook_deliveries[delivery.id] = delivery
        return True

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        active = {e.id for e in self._endpoints().values() if e.status is EndpointStatus.ACTIVE}
        pending = sorted((d for d in self._deliveries().values()
                          if d.status is DeliveryStatus.PENDING and d.endpoint_id in active),
                         key=lambda d: (d.event_sequence, str(d.endpoint_id)))
        heads: dict[tuple[UUID, str], Delivery] = {}
        for d in pending:  # oldest first: the first of each queue is its head
            heads.setdefault((d.endpoint_id, d.ordering_key), d)
        turns: dict[UUID, int] = {}
        ranked: list[tuple[int, int, str, Delivery]] = []
        for d in heads.values():  # still oldest first: each endpoint's turns count up
            if d.next_attempt_at <= now and (d.leased_until is None or d.leased_until <= now):
                turns[d.endpoint_id] = turns.get(d.endpoint_id, 0) + 1
                ranked.append((turns[d.endpoint_id], d.event_sequence, str(d.endpoint_id), d))
        return [d for *_, d in sorted(ranked, key=lambda r: r[:3])][:limit]

    def claim(self, delivery_id: UUID, now: datetime, until: datetime) -> Delivery | None:
        found = self.delivery(delivery_id)
        if found is None or found.status is not DeliveryStatus.PENDING \
                or found.next_attempt_at > now \
                or (found.leased_until is not None and found.leased_until > now):
            return None
        held = attrs.evolve(found, leased_until=until)
        self._staged.webhook_deliveries[held.id] = held
        return held

    def settle(self, delivery: Delivery, lease: datetime | None) -> bool:
        found = self.delivery(delivery.id)
        if found is None or found.leased_until != lease:
            return False
        self._staged.webhook_deliveries[delivery.id] = delivery
        return True

    def replay(self, delivery_id: UUID, now: datetime) -> bool:
        found = self.delivery(delivery_id)
        if found is None or (found.leased_until is not None and found.leased_until > now):
            return False
        self._staged.webhook_deliveries[delivery_id] = found.replayed(now)
        return True

    def delivery(self, delivery_id: UUID) -> Delivery | None:
        return self._deliveries().get(delivery_id)

    def deliveries(self, endpoint_id: UUID, status: DeliveryStatus | None, after: int | None,
                   limit: int) -> list[Delivery]:
        chosen = sorted((d for d in self._deliveries().values() if d.endpoint_id == endpoint_id
                         and (status is None or d.status is status)
                         and (after is None or d.event_sequence > after)),
                        key=lambda d: d.event_sequence)
        return chosen[:limit]

    def add_attempt(self, attempt: DeliveryAttempt) -> None:
        self._staged.webhook_attempts[(attempt.delivery_id, attempt.attempt)] = attempt

    def attempts(self, delivery_id: UUID) -> list[DeliveryAttempt]:
        with self._store.state:
            merged = {**self._store.webhook_attempts, **self._staged.webhook_attempts}
        return sorted((a for (d, _), a in merged.items() if d == delivery_id),
                      key=lambda a: a.attempt)

    def _endpoints(self) -> dict[UUID, WebhookEndpoint]:
        with self._store.state:
            return {**self._store.webhook_endpoints, **self._staged.webhook_endpoints}

    def _deliveries(self) -> dict[UUID, Delivery]:
        with self._store.state:
            return {**self._store.webhook_deliveries, **self._staged.webhook_deliveries}

