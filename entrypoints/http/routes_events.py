"""The event feeds (domain/events.py): a customer's own events and, for staff, everyone's."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.use_cases import EventPage
from domain.permissions import Permission
from entrypoints.http import response_schemas as shapes
from entrypoints.http.auth import caller, requires, returns, services
from entrypoints.http.offload import offload
from entrypoints.http.query import page_cursor, page_limit, reads
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


routes = [Route("/events", my_events, methods=["GET"]),
          Route("/operator/events", all_events, methods=["GET"])]
