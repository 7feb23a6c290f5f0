"""The request bodies and answers of the operator's webhook endpoints (routes_webhooks.py,
webhook_views.py)."""

from __future__ import annotations

import attrs

from domain.webhook import DeliveryStatus, EndpointStatus
from entrypoints.http.schema_builders import (
    DATE_TIME,
    INTEGER,
    STRING,
    array,
    choice,
    component,
    items,
    nullable,
    obj,
)
from entrypoints.http.schema_builders import (
    UUID as UUID_SCHEMA,
)


@attrs.frozen
class WebhookBody:
    """`types`: the event types to send (docs/events.md); absent or null: every type."""

    url: str
    description: str = ""
    types: list[str] | None = None


@attrs.frozen
class ReplayBody:
    """One delivery (`delivery_id`: delivered, dead or waiting; one being sent now is
    `409 webhook_delivery_in_flight`), or every dead one (`dead`: true)."""

    delivery_id: str | None = None
    dead: bool = False


_ENDPOINT_FIELDS = {
    "id": UUID_SCHEMA, "url": STRING, "description": STRING, "types": nullable(array(STRING)),
    "status": choice(EndpointStatus), "created_at": DATE_TIME, "updated_at": DATE_TIME,
    "created_by": nullable(UUID_SCHEMA), "previous_secret_until": nullable(DATE_TIME)}
ENDPOINT = component("WebhookEndpoint", obj(_ENDPOINT_FIELDS))
ENDPOINTS = items(ENDPOINT)
# The answer that makes a secret: shown this once.
ENDPOINT_WITH_SECRET = component("WebhookEndpointWithSecret", obj({
    **_ENDPOINT_FIELDS, "secret": STRING}))
DELIVERY = component("WebhookDelivery", obj({
    "id": UUID_SCHEMA, "endpoint_id": UUID_SCHEMA, "event_id": UUID_SCHEMA,
    "event_sequence": INTEGER, "status": choice(DeliveryStatus), "attempts": INTEGER,
    "tries": INTEGER, "next_attempt_at": DATE_TIME, "last_status_code": nullable(INTEGER),
    "last_latency_ms": nullable(INTEGER), "last_error": nullable(STRING),
    "created_at": DATE_TIME, "delivered_at": nullable(DATE_TIME)}))
DELIVERIES = obj({"items": array(DELIVERY), "next_cursor": nullable(STRING)})
ATTEMPTS = items(component("WebhookAttempt", obj({
    "attempt": INTEGER, "attempted_at": DATE_TIME, "status_code": nullable(INTEGER),
    "latency_ms": INTEGER, "error": nullable(STRING)})))
REPLAYED = obj({"replayed": INTEGER})
