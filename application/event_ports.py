"""What events' consumers need from the outside world: where webhook endpoints, deliveries and
alert preferences are kept, and how a delivery is signed and sent (docs/webhooks.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.alerts import AlertPreferences
from domain.webhook import (
    AttemptResult,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    WebhookEndpoint,
)


class WebhookRepository(Protocol):
    def add(self, endpoint: WebhookEndpoint) -> None: ...
    def get(self, endpoint_id: UUID) -> WebhookEndpoint | None: ...
    def lock(self, endpoint_id: UUID) -> WebhookEndpoint | None:
        """`get`, held until the transaction ends: one fan-out of an endpoint at a time."""
    def update(self, endpoint: WebhookEndpoint) -> None: ...
    def endpoints(self) -> list[WebhookEndpoint]:
        """Every endpoint, oldest first."""
    def add_delivery(self, delivery: Delivery) -> bool:
        """False when the event is owed to the endpoint already (another fan-out's)."""
    def due(self, now: datetime, limit: int) -> list[Delivery]:
        """Pending deliveries to active endpoints whose time has come and that no dispatcher
        holds, each the oldest pending one of its endpoint and ordering key (so a customer's
        events reach an endpoint in order). Endpoints take turns: every endpoint's oldest,
        then every endpoint's second oldest, ... (each turn oldest first), so an endpoint
        owed much, or retried much, fills no batch alone."""
    def claim(self, delivery_id: UUID, now: datetime, until: datetime) -> Delivery | None:
        """Hold the delivery until `until` if it is still pending, due and free; else None."""
    def settle(self, delivery: Delivery, lease: datetime | None) -> bool:
        """Write a try's outcome, if the delivery is still held under `lease` (a dispatcher
        that outlived its lease lost it to another, whose outcome stands)."""
    def replay(self, delivery_id: UUID, now: datetime) -> bool:
        """Owe the delivery again from `now` (Delivery.replayed); False, changing nothing,
        while a dispatcher holds it (its lease is live): taking it from under that send would
        send it twice at once, lose that try's log line and let the customer's next one go
        ahead of it."""
    def delivery(self, delivery_id: UUID) -> Delivery | None: ...
    def deliveries(self, endpoint_id: UUID, status: DeliveryStatus | None, after: int | None,
                   limit: int) -> list[Delivery]:
        """The endpoint's deliveries by event sequence, after `after`."""
    def add_attempt(self, attempt: DeliveryAttempt) -> None: ...
    def attempts(self, delivery_id: UUID) -> list[DeliveryAttempt]: ...


class WebhookSender(Protocol):
    """Standard Webhooks' mechanics: a new secret (`whsec_` and base64 of random bytes), and
    one signed POST of a delivery's body."""

    def new_secret(self) -> str: ...
    def send(self, url: str, message_id: str, timestamp: int, body: str,
             secrets: list[str], timeout: float) -> AttemptResult:
        """POST `body` signed with every secret; never raises for the endpoint's failures
        (refused, timed out, an error status): they are the result."""


class AlertRepository(Protocol):
    def preferences(self, customer_id: UUID) -> AlertPreferences | None:
        """The customer's own choices; None: they made none (the bank's defaults apply)."""
    def save(self, preferences: AlertPreferences) -> None: ...
    def claim(self, consumer: str, start: int, now: datetime, until: datetime) -> int | None:
        """Hold the named consumer of the event feed until `until` and answer its position
        (made at `start` the first time), or None while another holds it."""
    def release(self, consumer: str, position: int, lease: datetime) -> bool:
        """Move the consumer's position and let it go, if `lease` still holds it."""
