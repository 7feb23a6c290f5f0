"""The event feeds (domain/events.py): a customer's own events and, for staff, everyone's; and
the alerts a customer chooses to be sent by mail (domain/alerts.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.use_cases import AlertChoices, EventPage
from domain.alerts import AlertPreferences
from domain.permissions import Permission
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http import views
from entrypoints.http.auth import accepts, caller, requires, returns, services
from entrypoints.http.offload import offload
from entrypoints.http.query import page_cursor, page_limit, reads
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.views import encode_cursor


def _answer(page: EventPage) -> Response:
    """`next_cursor` (API.md): the next page, null at the feed's end for now; `poll_cursor`:
    where to ask again later for what happens next (null only when nothing was ever read)."""
    position = encode_cursor(page.position)
    return JSONResponse({"items": [e.as_dict() for e in page.items],
                         "next_cursor": position if page.more else None,
                         "poll_cursor": position})


@returns(shapes.EVENT_PAGE)
@reads("limit", "cursor")
@requires(Permission.BANK)
async def my_events(request: Request) -> Response:
    """The caller's own events, oldest first: what the bank recorded about them (payments they
    made, holds, disputes, standing orders, security changes). Poll with `poll_cursor`."""
    page = await offload(services(request).events.mine, caller(request).customer_id,
                         after=page_cursor(request), limit=page_limit(request))
    return _answer(page)


@returns(shapes.EVENT_PAGE)
@reads("limit", "cursor", "type")
@requires(Permission.READ_EVENTS)
async def all_events(request: Request) -> Response:
    """Every customer's events, oldest first; `type` (repeatable) keeps only those types."""
    types = request.query_params.getlist("type") or None
    page = await offload(services(request).events.everyone, after=page_cursor(request),
                         limit=page_limit(request), types=types)
    return _answer(page)


def _preferences(p: AlertPreferences) -> dict[str, Any]:
    return {"debit_above": views.money(p.debit_above) if p.debit_above else None,
            "credit_above": views.money(p.credit_above) if p.credit_above else None,
            "security": p.security, "reminders": p.reminders,
            "standing_orders": p.standing_orders}


@returns(shapes.ALERT_PREFERENCES)
@requires(Permission.BANK)
async def my_alerts(request: Request) -> Response:
    """What the caller is told by mail: debits and credits above an amount (0.00: all; null:
    none), security changes, reminders and standing orders. A password change is always told."""
    found = await offload(services(request).alerts.preferences, caller(request).customer_id)
    return JSONResponse(_preferences(found))


@returns(shapes.ALERT_PREFERENCES)
@accepts(AlertChoices)
@requires(Permission.BANK)
async def choose_alerts(request: Request) -> Response:
    """Replace the caller's choices (a field left out takes the bank's default); amounts are
    decimal strings in the bank's currency."""
    choices = structure(await json_body(request), AlertChoices)
    chosen = await offload(services(request).alerts.choose, caller(request).customer_id,
                           choices)
    return JSONResponse(_preferences(chosen))


routes = [Route("/events", my_events, methods=["GET"]),
          Route("/operator/events", all_events, methods=["GET"]),
          Route("/me/alerts", my_alerts, methods=["GET"]),
          Route("/me/alerts", choose_alerts, methods=["PUT"])]
