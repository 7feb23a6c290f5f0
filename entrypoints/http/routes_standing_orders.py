"""The customer's standing orders: scheduled payments, paid by `vaani standing-orders run-due`."""

from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.use_cases import StandingOrderDetails
from domain.errors import BeneficiaryNotFound, ReminderNotFound, StandingOrderNotFound
from domain.permissions import Permission
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http.auth import Handler, accepts, caller, context, requires, returns, services
from entrypoints.http.offload import offload
from entrypoints.http.openapi import idempotent
from entrypoints.http.query import path_id
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.schemas import StandingOrderBody
from entrypoints.http.standing_order_views import occurrence_body, order_body


def _id(request: Request) -> UUID:
    return path_id(request, "order_id", StandingOrderNotFound, "standing order")


def _uuid(text: str | None, missing: type[BeneficiaryNotFound] | type[ReminderNotFound],
          what: str) -> UUID | None:
    if text is None:
        return None
    try:
        return UUID(text)
    except ValueError:
        raise missing(f"no such {what}") from None


@returns(shapes.ORDER)
@accepts(StandingOrderBody, 201)
@idempotent(replays=True)
@requires(Permission.BANK)
async def add(request: Request) -> Response:
    """Schedule a payment to an account here or a saved beneficiary: once, or on an RRULE
    (idempotent with Idempotency-Key, as a transfer: a retry is the same order)."""
    body = structure(await json_body(request), StandingOrderBody)
    details = StandingOrderDetails(
        from_account_number=body.from_account_number, amount=body.amount,
        starts_at=body.starts_at, to_account_number=body.to_account_number,
        beneficiary_id=_uuid(body.beneficiary_id, BeneficiaryNotFound, "beneficiary"),
        description=body.description, rrule=body.rrule, ends_at=body.ends_at,
        reminder_id=_uuid(body.reminder_id, ReminderNotFound, "reminder"))
    placed = await offload(services(request).standing_orders.place, caller(request).customer_id,
                           details, context(request), request.headers.get("idempotency-key"))
    headers = {"Idempotent-Replayed": "true"} if placed.replayed else None
    return JSONResponse(order_body(placed.order), 201, headers)


@returns(shapes.ORDERS)
@requires(Permission.BANK)
async def listing(request: Request) -> Response:
    """Your standing orders, newest first."""
    found = await offload(services(request).standing_orders.list, caller(request).customer_id)
    return JSONResponse({"items": [order_body(o) for o in found]})


@returns(shapes.ORDER_DETAIL)
@requires(Permission.BANK)
async def show(request: Request) -> Response:
    """One standing order and its latest occurrences (paid, retrying, failed, held)."""
    view = await offload(services(request).standing_orders.show, caller(request).customer_id,
                         _id(request))
    return JSONResponse({**order_body(view.order),
                         "occurrences": [occurrence_body(o) for o in view.occurrences]})


def _change(verb: str, doc: str) -> Handler:
    @returns(shapes.ORDER)
    @requires(Permission.BANK)
    async def change(request: Request) -> Response:
        act = getattr(services(request).standing_orders, verb)
        changed = await offload(act, caller(request).customer_id, _id(request), context(request))
        return JSONResponse(order_body(changed))

    change.__name__, change.__doc__ = f"{verb}_standing_order", doc
    return change


routes = [
    Route("/standing-orders", listing, methods=["GET"]),
    Route("/standing-orders", add, methods=["POST"]),
    Route("/standing-orders/{order_id}", show, methods=["GET"]),
    Route("/standing-orders/{order_id}/pause", _change(
        "pause", "Pause: occurrences that come due meanwhile are skipped."), methods=["POST"]),
    Route("/standing-orders/{order_id}/resume", _change(
        "resume", "Resume from the first occurrence after now."), methods=["POST"]),
    Route("/standing-orders/{order_id}/cancel", _change(
        "cancel", "Cancel: nothing more is paid."), methods=["POST"]),
]
