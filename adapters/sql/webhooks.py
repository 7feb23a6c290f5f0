"""Webhook endpoints and deliveries in SQL. A delivery is held by a conditional UPDATE (its lease),
so of two dispatchers reaching for it exactly one sends it; its outcome is written only under
the lease that sent it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.tables import webhook_attempts, webhook_deliveries, webhook_endpoints
from domain.webhook import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    EndpointStatus,
    WebhookEndpoint,
)

_PENDING = DeliveryStatus.PENDING.value
_E = webhook_endpoints.c
_D = webhook_deliveries.c


def _endpoint_row(e: WebhookEndpoint) -> dict[str, Any]:
    row = attrs.asdict(e, recurse=False)
    row.update(status=e.status.value, event_types=list(e.types) if e.types else None)
    del row["types"]
    return row


def _endpoint(r: Any) -> WebhookEndpoint:
    values = dict(r._mapping)
    types = values.pop("event_types")
    return WebhookEndpoint(**{**values, "status": EndpointStatus(values["status"]),
                              "types": tuple(types) if types else None})


def _delivery_row(d: Delivery) -> dict[str, Any]:
    return {**attrs.asdict(d, recurse=False), "status": d.status.value}


def _delivery(r: Any) -> Delivery:
    values = dict(r._mapping)
    return Delivery(**{**values, "status": DeliveryStatus(values["status"])})


class SqlWebhooks:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, endpoint: WebhookEndpoint) -> None:
        self._conn.execute(webhook_endpoints.insert(), _endpoint_row(endpoint))

    def get(self, endpoint_id: UUID) -> WebhookEndpoint | None:
        row = self._conn.execute(sa.select(webhook_endpoints).where(_E.id == endpoint_id)).first()
        return _endpoint(row) if row else None

    def lock(self, endpoint_id: UUID) -> WebhookEndpoint | None:
        query = sa.select(webhook_endpoints).where(_E.id == endpoint_id)
        if self._conn.dialect.name == "postgresql":  # SQLite's writer holds the whole file
            query = query.with_for_update()
        row = self._conn.execute(query).first()
        return _endpoint(row) if row else None

    def update(self, endpoint: WebhookEndpoint) -> None:
        self._conn.execute(webhook_endpoints.update().where(_E.id == endpoint.id),
                           _endpoint_row(endpoint))

    def endpoints(self) -> list[WebhookEndpoint]:
        query = sa.select(webhook_endpoints).order_by(_E.created_at, _E.id)
        return [_endpoint(r) for r in self._conn.execute(query)]

    def add_delivery(self, delivery: Delivery) -> bool:
        try:
            with self._conn.begin_nested():
                self._conn.execute(webhook_deliveries.insert(), _delivery_row(delivery))
            return True
        except sa.exc.IntegrityError:
            return False  # owed already: another fan-out wrote it

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        older = webhook_deliveries.alias("older")
        ahead = sa.exists().where(
            older.c.endpoint_id == _D.endpoint_id, older.c.ordering_key == _D.ordering_key,
            older.c.status == _PENDING, older.c.event_sequence < _D.event_sequence)
        # Each endpoint's due deliveries numbered oldest first: the batch takes every
        # endpoint's first, then every endpoint's second, ... (WebhookRepository.due).
        turn = sa.func.row_number().over(partition_by=_D.endpoint_id,
                                         order_by=_D.event_sequence).label("turn")
        heads = sa.select(webhook_deliveries, turn).join(
            webhook_endpoints, _E.id == _D.endpoint_id).where(
            _E.status == EndpointStatus.ACTIVE.value, _D.status == _PENDING,
            _D.next_attempt_at <= now,
            sa.or_(_D.leased_until.is_(None), _D.leased_until <= now), ~ahead,
        ).subquery("heads")
        query = sa.select(*(heads.c[c.name] for c in webhook_deliveries.c)).order_by(
            heads.c.turn, heads.c.event_sequence, heads.c.endpoint_id).limit(limit)
        return [_delivery(r) for r in self._conn.execute(query)]

    def claim(self, delivery_id: UUID, now: datetime, until: datetime) -> Delivery | None:
        taken = self._conn.execute(
            webhook_deliveries.update().where(
                _D.id == delivery_id, _D.status == _PENDING, _D.next_attempt_at <= now,
                sa.or_(_D.leased_until.is_(None), _D.leased_until <= now),
            ).values(leased_until=until)).rowcount
        return self.delivery(delivery_id) if taken == 1 else None

    def settle(self, delivery: Delivery, lease: datetime | None) -> bool:
        held = _D.leased_until.is_(None) if lease is None else _D.leased_until == lease
        row = _delivery_row(delivery)
        del row["id"]
        done = self._conn.execute(webhook_deliveries.update().where(
            _D.id == delivery.id, held).values(**row)).rowcount
        return bool(done == 1)

    def replay(self, delivery_id: UUID, now: datetime) -> bool:
        # Only what a replay changes: `tries` numbers the delivery log and stays.
        free = sa.or_(_D.leased_until.is_(None), _D.leased_until <= now)
        done = self._conn.execute(webhook_deliveries.update().where(
            _D.id == delivery_id, free).values(
            status=_PENDING, attempts=0, next_attempt_at=now, leased_until=None,
            delivered_at=None)).rowcount
        return bool(done == 1)

    def delivery(self, delivery_id: UUID) -> Delivery | None:
        row = self._conn.execute(
            sa.select(webhook_deliveries).where(_D.id == delivery_id)).first()
        return _delivery(row) if row else None

    def deliveries(self, endpoint_id: UUID, status: DeliveryStatus | None, after: int | None,
                   limit: int) -> list[Delivery]:
        query = sa.select(webhook_deliveries).where(_D.endpoint_id == endpoint_id)
        if status is not None:
            query = query.where(_D.status == status.value)
        if after is not None:
            query = query.where(_D.event_sequence > after)
        query = query.order_by(_D.event_sequence).limit(limit)
        return [_delivery(r) for r in self._conn.execute(query)]

    def add_attempt(self, attempt: DeliveryAttempt) -> None:
        self._conn.execute(webhook_attempts.insert(), attrs.asdict(attempt, recurse=False))

    def attempts(self, delivery_id: UUID) -> list[DeliveryAttempt]:
        query = sa.select(webhook_attempts).where(
            webhook_attempts.c.delivery_id == delivery_id).order_by(webhook_attempts.c.attempt)
        return [DeliveryAttempt(**dict(r._mapping)) for r in self._conn.execute(query)]
