"""Delivering events to webhook endpoints, at least once and in order per customer.

Two steps, each safe to run in several processes at once and to kill at any moment:
- fan-out: each endpoint's new events become deliveries, and its position moves past them, in
  one transaction (an event owed twice is refused by the deliveries' unique key);
- delivery: each due delivery is held for a lease, sent, and its outcome written under that
  lease. A dispatcher killed while sending leaves its lease to run out: the delivery is sent
  again (the receiver deduplicates by `webhook-id`), never lost.
Nothing here runs inside a customer's transaction, and an endpoint that is down or slow delays
only its own deliveries: a batch takes endpoints in turns (WebhookRepository.due), and an
endpoint whose try failed is not tried again in the same pass, so one that never answers costs
a pass one timeout, however much it is owed."""

from __future__ import annotations

import json
from uuid import UUID

import attrs

from application.event_ports import WebhookSender
from application.ports import Clock, IdGenerator, SecretBox, UnitOfWorkFactory
from application.webhook_policy import WebhookPolicy
from domain.events import actions_of, announce
from domain.webhook import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    EndpointStatus,
    WebhookEndpoint,
)

_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


@attrs.frozen
class DispatchRun:
    owed: int = 0  # deliveries made by the fan-out
    delivered: int = 0
    failed: int = 0  # tries that failed and will be tried again
    dead: int = 0  # tries that failed for the last time


class DispatchEvents:
    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 box: SecretBox, sender: WebhookSender, policy: WebhookPolicy) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock
        self._box = box
        self._sender = sender
        self._policy = policy

    def execute(self, batch: int = 100) -> DispatchRun:
        """Fan out what is new, then send what is due until nothing is (a cron-sized run)."""
        owed = self.fan_out()
        delivered = failed = dead = 0
        while True:
            sent = self.deliver_due(batch)
            if sent == DispatchRun():
                return DispatchRun(owed, delivered, failed, dead)
            delivered, failed, dead = (delivered + sent.delivered, failed + sent.failed,
                                       dead + sent.dead)

    def fan_out(self) -> int:
        """Every active endpoint's events since its position become its deliveries."""
        with self._uow_factory() as uow:
            endpoints = [e for e in uow.webhooks.endpoints()
                         if e.status is EndpointStatus.ACTIVE]
        return sum(self._fan_out(endpoint) for endpoint in endpoints)

    def _fan_out(self, endpoint: WebhookEndpoint) -> int:
        owed = 0
        while True:
            with self._uow_factory(write=True) as uow:
                locked = uow.webhooks.lock(endpoint.id)  # two dispatchers: one at a time
                if locked is None or locked.status is not EndpointStatus.ACTIVE:
                    return owed
                batch = self._policy.fan_out_batch
                records = uow.audit.announced(actions_of(_types(locked)), after=locked.position,
                                              limit=batch)
                now = self._clock.now()
                for record in records:
                    event = announce(record)
                    if event is None or not locked.wants(event.type):
                        continue
                    owed += uow.webhooks.add_delivery(Delivery(
                        id=self._ids.new_id(), endpoint_id=locked.id,
                        event_sequence=event.sequence, event_id=event.id,
                        ordering_key=str(event.customer_id or ""),
                        body=_JSON(event.as_dict()), status=DeliveryStatus.PENDING, attempts=0,
                        next_attempt_at=now, created_at=now))
                if records:
                    uow.webhooks.update(attrs.evolve(locked, position=records[-1].sequence))
                uow.commit()
            if len(records) < batch:
                return owed

    def deliver_due(self, batch: int) -> DispatchRun:
        """Send up to `batch` due deliveries, each under a lease of its own; after a failed
        try, that endpoint's others wait for a later pass."""
        now = self._clock.now()
        with self._uow_factory() as uow:
            due = uow.webhooks.due(now, batch)
        failing: set[UUID] = set()
        delivered = failed = dead = 0
        for waiting in due:
            if waiting.endpoint_id in failing:
                continue
            done = self._send(waiting)
            if done is None:
                continue  # another dispatcher holds it, or its endpoint was disabled
            if done.status is not DeliveryStatus.DELIVERED:
                failing.add(done.endpoint_id)
            delivered += done.status is DeliveryStatus.DELIVERED
            dead += done.status is DeliveryStatus.DEAD
            failed += done.status is DeliveryStatus.PENDING
        return DispatchRun(0, delivered, failed, dead)

    def _send(self, waiting: Delivery) -> Delivery | None:
        """Claim, send, settle. The endpoint is read in the claim's transaction, so a disable
        or a rotation committed before the claim is obeyed: a disabled endpoint is sent
        nothing (the claim is not kept), and the URL and secrets are the current ones."""
        policy = self._policy.retry
        start = self._clock.now()
        lease = start + policy.lease
        with self._uow_factory(write=True) as uow:
            held = uow.webhooks.claim(waiting.id, start, lease)
            endpoint = uow.webhooks.get(waiting.endpoint_id) if held is not None else None
            if held is None or endpoint is None or endpoint.status is not EndpointStatus.ACTIVE:
                return None  # leaving without a commit: no lease is taken
            uow.commit()
        secrets = [self._box.open(s) for s in endpoint.signing_secrets(start)]
        result = self._sender.send(endpoint.url, str(held.event_id), int(start.timestamp()),
                                   held.body, secrets, policy.timeout.total_seconds())
        now = self._clock.now()
        done = held.tried(result, now, policy, self._policy.jitter())
        with self._uow_factory(write=True) as uow:
            if not uow.webhooks.settle(done, lease):
                return None  # the lease ran out meanwhile: another dispatcher's try stands
            uow.webhooks.add_attempt(DeliveryAttempt(
                held.id, done.tries, start, result.status_code, result.latency_ms,
                done.last_error))
            uow.commit()
        return done


def _types(endpoint: WebhookEndpoint) -> frozenset[str] | None:
    return frozenset(endpoint.types) if endpoint.types is not None else None
