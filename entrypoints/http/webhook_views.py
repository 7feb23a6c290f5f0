"""Webhook endpoints, deliveries and tries as the operator API and `vaani webhooks --json`
answer them. A secret appears only in the answer that made it (`secret`), never here.
`created_by`: the member of staff who registered the endpoint (None: the system); their
endpoints are disabled when they lose the right to manage webhooks."""

from __future__ import annotations

from typing import Any

from domain.timestamps import rfc3339
from domain.webhook import Delivery, DeliveryAttempt, WebhookEndpoint


def endpoint(e: WebhookEndpoint) -> dict[str, Any]:
    return {"id": str(e.id), "url": e.url, "description": e.description,
            "types": list(e.types) if e.types is not None else None, "status": e.status.value,
            "created_at": rfc3339(e.created_at), "updated_at": rfc3339(e.updated_at),
            "created_by": str(e.created_by) if e.created_by is not None else None,
            "previous_secret_until": rfc3339(e.previous_until) if e.previous_until else None}


def delivery(d: Delivery) -> dict[str, Any]:
    return {"id": str(d.id), "endpoint_id": str(d.endpoint_id), "event_id": str(d.event_id),
            "event_sequence": d.event_sequence, "status": d.status.value,
            "attempts": d.attempts, "tries": d.tries,
            "next_attempt_at": rfc3339(d.next_attempt_at),
            "last_status_code": d.last_status_code, "last_latency_ms": d.last_latency_ms,
            "last_error": d.last_error, "created_at": rfc3339(d.created_at),
            "delivered_at": rfc3339(d.delivered_at) if d.delivered_at else None}


def attempt(a: DeliveryAttempt) -> dict[str, Any]:
    return {"attempt": a.attempt, "attempted_at": rfc3339(a.attempted_at),
            "status_code": a.status_code, "latency_ms": a.latency_ms, "error": a.error}
