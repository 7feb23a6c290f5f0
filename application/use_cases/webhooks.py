"""Webhook endpoints as staff manage them: register, list, disable and enable, rotate the
secret, and replay deliveries by hand; every change audited with its operator."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.event_ports import WebhookSender
from application.ports import Clock, IdGenerator, SecretBox, UnitOfWork, UnitOfWorkFactory
from application.webhook_policy import WebhookPolicy
from domain.audit import Outcome
from domain.errors import ValidationError, WebhookDeliveryInFlight, WebhookNotFound
from domain.webhook import (
    MAX_DESCRIPTION,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    EndpointStatus,
    WebhookEndpoint,
    checked_types,
    checked_url,
)

MAX_PAGE = 100


@attrs.frozen
class NewSecret:
    """An endpoint and the secret that signs for it, shown this once."""

    endpoint: WebhookEndpoint
    secret: str


class ManageWebhooks:
    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 audit: AuditRecorder, box: SecretBox, sender: WebhookSender,
                 policy: WebhookPolicy) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock
        self._audit = audit
        self._box = box
        self._sender = sender
        self._policy = policy

    def add(self, url: str, description: str, types: Iterable[str] | None,
            context: RequestContext) -> NewSecret:
        """A new endpoint gets the events that happen from now on."""
        checked = checked_url(url, self._policy.allow_http)
        if not description.isprintable() or len(description) > MAX_DESCRIPTION:
            raise ValidationError(f"description must be at most {MAX_DESCRIPTION} printable "
                                  "characters", field="description")
        chosen = checked_types(types)
        secret, now = self._sender.new_secret(), self._clock.now()
        with self._uow_factory(write=True) as uow:
            endpoint = WebhookEndpoint(
                id=self._ids.new_id(), url=checked, description=description, types=chosen,
                status=EndpointStatus.ACTIVE, secret_sealed=self._box.seal(secret),
                position=uow.audit.head().sequence, created_at=now, updated_at=now,
                created_by=context.actor_id)
            uow.webhooks.add(endpoint)
            self._record(uow, context, "webhook.added", endpoint, url=checked,
                         types=",".join(chosen) if chosen else "all")
            uow.commit()
        return NewSecret(endpoint, secret)

    def endpoints(self) -> list[WebhookEndpoint]:
        with self._uow_factory() as uow:
            return uow.webhooks.endpoints()

    def get(self, endpoint_id: UUID) -> WebhookEndpoint:
        with self._uow_factory() as uow:
            return _found(uow, endpoint_id)

    def disable(self, endpoint_id: UUID, context: RequestContext) -> WebhookEndpoint:
        return self._change(endpoint_id, context, "webhook.disabled",
                            lambda e: e.disabled(self._clock.now()))

    def enable(self, endpoint_id: UUID, context: RequestContext) -> WebhookEndpoint:
        """Active again: what was owed while it was disabled is sent, then what follows."""
        return self._change(endpoint_id, context, "webhook.enabled",
                            lambda e: e.enabled(self._clock.now()))

    def rotate_secret(self, endpoint_id: UUID, context: RequestContext) -> NewSecret:
        """A new secret signs from now on; the old one signs too for the policy's overlap."""
        secret = self._sender.new_secret()
        sealed = self._box.seal(secret)
        endpoint = self._change(endpoint_id, context, "webhook.secret_rotated",
                                lambda e: e.rotated(sealed, self._clock.now(),
                                                    self._policy.overlap))
        return NewSecret(endpoint, secret)

    def replay(self, endpoint_id: UUID, context: RequestContext, *,
               delivery_id: UUID | None = None, dead: bool = False) -> int:
        """Owe again one delivery (`delivery_id`: delivered, dead or waiting for a retry) or
        every dead one; it is sent at the next dispatch, before its customer's later
        deliveries. A delivery a dispatcher is sending now is refused (WebhookDeliveryInFlight):
        replaying it under that send would send it twice at once and lose the try's log line."""
        if (delivery_id is None) == (not dead):
            raise ValidationError("name one delivery, or ask for every dead one",
                                  field="delivery_id")
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            endpoint = _found(uow, endpoint_id)
            if delivery_id is not None:
                one = uow.webhooks.delivery(delivery_id)
                if one is None or one.endpoint_id != endpoint_id:
                    raise WebhookNotFound("no such delivery", delivery_id=str(delivery_id))
                chosen = [one]
            else:
                chosen = _every(uow, endpoint_id, DeliveryStatus.DEAD)
            # Every dead one: a delivery replayed and taken by a dispatcher meanwhile is on
            # its way already, and is left to it.
            replayed = sum(uow.webhooks.replay(delivery.id, now) for delivery in chosen)
            if delivery_id is not None and not replayed:
                raise WebhookDeliveryInFlight(
                    "a dispatcher is sending this delivery now; replay it after this try is "
                    "written (see its delivery log)", delivery_id=str(delivery_id))
            self._record(uow, context, "webhook.replayed", endpoint, deliveries=replayed,
                         delivery=delivery_id)
            uow.commit()
        return replayed

    def deliveries(self, endpoint_id: UUID, *, status: DeliveryStatus | None = None,
                   after: int | None = None, limit: int = 20) -> list[Delivery]:
        if not 1 <= limit <= MAX_PAGE:
            raise ValidationError(f"limit must be between 1 and {MAX_PAGE}", field="limit")
        with self._uow_factory() as uow:
            _found(uow, endpoint_id)
            return uow.webhooks.deliveries(endpoint_id, status, after, limit)

    def attempts(self, delivery_id: UUID) -> list[DeliveryAttempt]:
        """The delivery log of one delivery, oldest try first."""
        with self._uow_factory() as uow:
            if uow.webhooks.delivery(delivery_id) is None:
                raise WebhookNotFound("no such delivery", delivery_id=str(delivery_id))
            return uow.webhooks.attempts(delivery_id)

    def _change(self, endpoint_id: UUID, context: RequestContext, action: str,
                change: Callable[[WebhookEndpoint], WebhookEndpoint]) -> WebhookEndpoint:
        with self._uow_factory(write=True) as uow:
            endpoint = uow.webhooks.lock(endpoint_id)
            if endpoint is None:
                raise WebhookNotFound("no such webhook endpoint", endpoint_id=str(endpoint_id))
            changed = change(endpoint)
            uow.webhooks.update(changed)
            self._record(uow, context, action, changed)
            uow.commit()
            return changed

    def _record(self, uow: UnitOfWork, context: RequestContext, action: str,
                endpoint: WebhookEndpoint, **details: object) -> None:
        uow.audit.append(self._audit.event(context, action, outcome=Outcome.SUCCESS,
                                           customer_id=None, resource=f"webhook:{endpoint.id}",
                                           **details))


def disable_endpoints_of(uow: UnitOfWork, audit: AuditRecorder, context: RequestContext,
                         creator: UUID, now: datetime, why: str) -> int:
    """Disable, in the caller's transaction and audited, the active endpoints `creator`
    registered: a feed of every customer's events one member of staff opened ends with their
    authority over webhooks (docs/webhooks.md). Another may enable one again, on the record."""
    mine = [e for e in uow.webhooks.endpoints()
            if e.created_by == creator and e.status is EndpointStatus.ACTIVE]
    for endpoint in mine:
        changed = (uow.webhooks.lock(endpoint.id) or endpoint).disabled(now)
        uow.webhooks.update(changed)
        uow.audit.append(audit.event(context, "webhook.disabled", outcome=Outcome.SUCCESS,
                                     customer_id=None, resource=f"webhook:{changed.id}",
                                     reason=why))
    return len(mine)


def _found(uow: UnitOfWork, endpoint_id: UUID) -> WebhookEndpoint:
    endpoint = uow.webhooks.get(endpoint_id)
    if endpoint is None:
        raise WebhookNotFound("no such webhook endpoint", endpoint_id=str(endpoint_id))
    return endpoint


def _every(uow: UnitOfWork, endpoint_id: UUID, status: DeliveryStatus) -> list[Delivery]:
    found: list[Delivery] = []
    after: int | None = None
    while page := uow.webhooks.deliveries(endpoint_id, status, after, MAX_PAGE):
        found += page
        after = page[-1].event_sequence
    return found
