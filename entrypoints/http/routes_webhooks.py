"""The operator API of webhooks (docs/webhooks.md): endpoints, their deliveries and the
delivery log; every change audited with its operator."""

from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.errors import ValidationError, WebhookNotFound
from domain.permissions import Permission
from domain.webhook import DeliveryStatus
from entrypoints.converters import structure
from entrypoints.http import webhook_schemas as shapes
from entrypoints.http.auth import accepts, context, requires, returns, services
from entrypoints.http.offload import offload
from entrypoints.http.query import SCHEMAS, page_cursor, page_limit, path_id
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.views import encode_cursor
from entrypoints.http.webhook_views import attempt, delivery, endpoint


def _endpoint_id(request: Request) -> UUID:
    return path_id(request, "endpoint_id", WebhookNotFound, "webhook endpoint")


@returns(shapes.ENDPOINTS)
@requires(Permission.MANAGE_WEBHOOKS)
async def webhook_list(request: Request) -> Response:
    """Every endpoint, oldest first (never a secret)."""
    found = await offload(services(request).webhooks.endpoints)
    return JSONResponse({"items": [endpoint(e) for e in found]})


@returns(shapes.ENDPOINT_WITH_SECRET)
@accepts(shapes.WebhookBody, 201)
@requires(Permission.MANAGE_WEBHOOKS)
async def webhook_add(request: Request) -> Response:
    """Register an endpoint (https; http only where VAANI_WEBHOOK_ALLOW_HTTP allows): it is
    sent the events from now on. Its signing secret is in this answer only."""
    body = structure(await json_body(request), shapes.WebhookBody)
    made = await offload(services(request).webhooks.add, body.url, body.description,
                         body.types, context(request))
    return JSONResponse({**endpoint(made.endpoint), "secret": made.secret}, 201,
                        headers={"cache-control": "no-store"})


@returns(shapes.ENDPOINT)
@requires(Permission.MANAGE_WEBHOOKS)
async def webhook_show(request: Request) -> Response:
    """One endpoint, without its secret."""
    found = await offload(services(request).webhooks.get, _endpoint_id(request))
    return JSONResponse(endpoint(found))


@returns(shapes.ENDPOINT)
@requires(Permission.MANAGE_WEBHOOKS)
async def webhook_disable(request: Request) -> Response:
    """Stop sending to it; what it is owed waits, and is sent if it is enabled again."""
    changed = await offload(services(request).webhooks.disable, _endpoint_id(request),
                            context(request))
    return JSONResponse(endpoint(changed))


@returns(shapes.ENDPOINT)
@requires(Permission.MANAGE_WEBHOOKS)
async def webhook_enable(request: Request) -> Response:
    """Send to it again, starting with what it is owed."""
    changed = await offload(services(request).webhooks.enable, _endpoint_id(request),
                            context(request))
    return JSONResponse(endpoint(changed))


@returns(shapes.ENDPOINT_WITH_SECRET)
@requires(Permission.MANAGE_WEBHOOKS)
async def webhook_rotate_secret(request: Request) -> Response:
    """A new signing secret (in this answer only); the previous one signs too until
    `previous_secret_until`, so the receiver changes keys without missing a message. Until
    then a second rotation is refused (409 webhook_rotation_pending)."""
    made = await offload(services(request).webhooks.rotate_secret, _endpoint_id(request),
                         context(request))
    return JSONResponse({**endpoint(made.endpoint), "secret": made.secret},
                        headers={"cache-control": "no-store"})


@returns(shapes.REPLAYED)
@accepts(shapes.ReplayBody)
@requires(Permission.MANAGE_WEBHOOKS)
async def webhook_replay(request: Request) -> Response:
    """Owe a delivery again (or every dead one): sent at the next dispatch, in order. One a
    dispatcher is sending now: `409 webhook_delivery_in_flight` (ask again after that try)."""
    body = structure(await json_body(request), shapes.ReplayBody)
    try:
        delivery_id = UUID(body.delivery_id) if body.delivery_id is not None else None
    except ValueError:
        raise ValidationError("delivery_id must be a delivery's id", field="delivery_id") from None
    count = await offload(services(request).webhooks.replay, _endpoint_id(request),
                          context(request), delivery_id=delivery_id, dead=body.dead)
    return JSONResponse({"replayed": count})


@returns(shapes.DELIVERIES)
@requires(Permission.MANAGE_WEBHOOKS)
async def webhook_deliveries(request: Request) -> Response:
    """The endpoint's deliveries in event order; `status=dead`: its dead letters."""
    text = request.query_params.get("status")
    if text is not None and text not in set(DeliveryStatus):
        raise ValidationError(f"'status' must be one of {', '.join(DeliveryStatus)}",
                              field="status")
    limit = page_limit(request)
    found = await offload(services(request).webhooks.deliveries, _endpoint_id(request),
                          status=DeliveryStatus(text) if text else None,
                          after=page_cursor(request), limit=limit)
    more = len(found) == limit
    return JSONResponse({"items": [delivery(d) for d in found],
                         "next_cursor": encode_cursor(found[-1].event_sequence) if more
                         else None})


webhook_deliveries.query = {"status": {"type": "string", "enum": list(DeliveryStatus)},  # type: ignore[attr-defined]
                    "limit": SCHEMAS["limit"], "cursor": SCHEMAS["cursor"]}


@returns(shapes.ATTEMPTS)
@requires(Permission.MANAGE_WEBHOOKS)
async def webhook_attempts(request: Request) -> Response:
    """The delivery log of one delivery: every try, its status code, latency and error."""
    delivery_id = path_id(request, "delivery_id", WebhookNotFound, "delivery")
    found = await offload(services(request).webhooks.attempts, delivery_id)
    return JSONResponse({"items": [attempt(a) for a in found]})


_ONE = "/operator/webhooks/{endpoint_id}"
routes = [
    Route("/operator/webhooks", webhook_list, methods=["GET"]),
    Route("/operator/webhooks", webhook_add, methods=["POST"]),
    Route(_ONE, webhook_show, methods=["GET"]),
    Route(f"{_ONE}/disable", webhook_disable, methods=["POST"]),
    Route(f"{_ONE}/enable", webhook_enable, methods=["POST"]),
    Route(f"{_ONE}/rotate-secret", webhook_rotate_secret, methods=["POST"]),
    Route(f"{_ONE}/replay", webhook_replay, methods=["POST"]),
    Route(f"{_ONE}/deliveries", webhook_deliveries, methods=["GET"]),
    Route("/operator/webhook-deliveries/{delivery_id}/attempts", webhook_attempts, methods=["GET"]),
]
