"""The customer's reminders."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.use_cases import ReminderDetails
from domain.errors import ReminderNotFound
from domain.permissions import Permission
from domain.reminder import Reminder
from domain.timestamps import rfc3339
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http import views
from entrypoints.http.auth import accepts, answers, caller, context, requires, returns, services
from entrypoints.http.offload import offload
from entrypoints.http.query import path_id
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.schemas import ReminderStatusBody


def view(r: Reminder) -> dict[str, Any]:
    return {"id": str(r.id), "type": r.type.value, "title": r.title, "due_at": rfc3339(r.due_at),
            "rrule": r.rrule, "amount": views.money(r.amount) if r.amount else None,
            "status": r.status.value, "delivered": r.delivered,
            "created_at": rfc3339(r.created_at)}


def _id(request: Request) -> UUID:
    return path_id(request, "reminder_id", ReminderNotFound, "reminder")


@returns(shapes.REMINDERS)
@requires(Permission.BANK)
async def list_reminders(request: Request) -> Response:
    """The caller's reminders, soonest first."""
    found = await offload(services(request).reminders.list, caller(request).customer_id)
    return JSONResponse({"items": [view(r) for r in found]})


@returns(shapes.REMINDER)
@accepts(ReminderDetails, 201)
@requires(Permission.BANK)
async def add_reminder(request: Request) -> Response:
    """Add a reminder, once or on an RRULE (FREQ, INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY,
    BYMONTH), each part bounded; a rule without an occurrence from `due_at` is refused (422)."""
    details = structure(await json_body(request), ReminderDetails)
    added = await offload(services(request).reminders.add, caller(request).customer_id,
                          details, context(request))
    return JSONResponse(view(added), 201)


@returns(shapes.REMINDER)
@accepts(ReminderStatusBody)
@requires(Permission.BANK)
async def set_status(request: Request) -> Response:
    """Mark a pending reminder completed or cancelled."""
    body = structure(await json_body(request), ReminderStatusBody)
    changed = await offload(services(request).reminders.set_status,
                            caller(request).customer_id, _id(request), body.status,
                            context(request))
    return JSONResponse(view(changed))


@answers(204)
@requires(Permission.BANK)
async def delete_reminder(request: Request) -> Response:
    """Delete a reminder."""
    await offload(services(request).reminders.delete, caller(request).customer_id,
                  _id(request), context(request))
    return Response(status_code=204)


routes = [
    Route("/reminders", list_reminders, methods=["GET"]),
    Route("/reminders", add_reminder, methods=["POST"]),
    Route("/reminders/{reminder_id}/status", set_status, methods=["PATCH"]),
    Route("/reminders/{reminder_id}", delete_reminder, methods=["DELETE"]),
]
