"""Disputes: a customer disputes a posted debit; operators investigate and resolve it."""

from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.use_cases import DisputeCommand
from domain.dispute import DisputeStatus
from domain.errors import DisputeNotFound, TransferNotFound, ValidationError
from domain.permissions import Permission
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http.auth import accepts, caller, context, requires, returns, services
from entrypoints.http.dispute_views import dispute_body
from entrypoints.http.offload import offload
from entrypoints.http.query import (
    SCHEMAS,
    next_position,
    page_limit,
    path_id,
    position_after,
    reads,
)
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.schemas import DisputeBody, DisputeResolutionBody


def _dispute_id(request: Request) -> UUID:
    return path_id(request, "dispute_id", DisputeNotFound, "dispute")


@returns(shapes.DISPUTE)
@accepts(DisputeBody, 201)
@requires(Permission.BANK)
async def open_dispute(request: Request) -> Response:
    """Dispute a posted debit of yours (within the bank's window); it becomes a case."""
    body = structure(await json_body(request), DisputeBody)
    transfer_id = path_id(request, "transfer_id", TransferNotFound, "transfer")
    dispute = await offload(services(request).open_dispute.execute, DisputeCommand(
        caller(request).customer_id, transfer_id, body.reason, body.description,
        context(request)))
    return JSONResponse(dispute_body(dispute, dispute.opened_at), 201)


@returns(shapes.DISPUTES)
@reads("limit")
@requires(Permission.BANK)
async def mine(request: Request) -> Response:
    """Your disputes, newest first."""
    found, now = await offload(services(request).disputes.mine, caller(request).customer_id,
                               page_limit(request))
    return JSONResponse({"items": [dispute_body(d, now) for d in found]})


@returns(shapes.DISPUTE)
@requires(Permission.BANK)
async def show(request: Request) -> Response:
    """One of your disputes: its status, deadline and the bank's answer."""
    found, now = await offload(services(request).disputes.get, caller(request).customer_id,
                               _dispute_id(request))
    return JSONResponse(dispute_body(found, now))


@returns(shapes.CASES)
@requires(Permission.WORK_DISPUTES)
async def queue(request: Request) -> Response:
    """Cases by deadline, soonest first; `status`, and `overdue=true` for those past it."""
    status = request.query_params.get("status")
    if status is not None and status not in DisputeStatus.__members__.values():
        raise ValidationError(f"'status' must be one of {', '.join(DisputeStatus)}",
                              field="status")
    overdue = request.query_params.get("overdue", "false")
    if overdue not in ("true", "false"):
        raise ValidationError("'overdue' must be true or false", field="overdue")
    found, now = await offload(
        services(request).disputes.queue, DisputeStatus(status) if status else None,
        overdue == "true", position_after(request), page_limit(request))
    return JSONResponse({"items": [dispute_body(d, now, operator=True) for d in found],
                         "next_cursor": next_position(found, page_limit(request),
                                                      lambda d: d.due_by, lambda d: d.id)})


queue.query = {"limit": SCHEMAS["limit"], "cursor": SCHEMAS["position"],  # type: ignore[attr-defined]
               "status": {"type": "string", "enum": [s.value for s in DisputeStatus]},
               "overdue": {"type": "boolean", "default": False}}


@returns(shapes.CASE)
@requires(Permission.WORK_DISPUTES)
async def case(request: Request) -> Response:
    """One case, with who works it and its refund."""
    found, now = await offload(services(request).disputes.get, None, _dispute_id(request))
    return JSONResponse(dispute_body(found, now, operator=True))


@returns(shapes.CASE)
@requires(Permission.WORK_DISPUTES)
async def investigate(request: Request) -> Response:
    """Take a case: it is investigating, and yours."""
    taken = await offload(services(request).work_disputes.investigate, _dispute_id(request),
                          context(request))
    return JSONResponse(dispute_body(taken, taken.updated_at, operator=True))


@returns(shapes.CASE)
@accepts(DisputeResolutionBody)
@requires(Permission.WORK_DISPUTES)
async def resolve(request: Request) -> Response:
    """Resolve a case: rejected with a note, or refunded by a reversal (once all reversed of
    the payment passes the approval amount it is resolved when a second operator approves the
    reversal; a refund rejected or expired leaves the case to be worked again)."""
    body = structure(await json_body(request), DisputeResolutionBody)
    work = services(request).work_disputes
    if body.outcome == "rejected":
        done = await offload(work.reject, _dispute_id(request), body.note, context(request))
    else:
        done = await offload(work.refund, _dispute_id(request), body.note, context(request),
                             body.amount)
    return JSONResponse(dispute_body(done, done.updated_at, operator=True))


routes = [
    Route("/transfers/{transfer_id}/dispute", open_dispute, methods=["POST"]),
    Route("/disputes", mine, methods=["GET"]),
    Route("/disputes/{dispute_id}", show, methods=["GET"]),
    Route("/operator/disputes", queue, methods=["GET"]),
    Route("/operator/disputes/{dispute_id}", case, methods=["GET"]),
    Route("/operator/disputes/{dispute_id}/investigate", investigate, methods=["POST"]),
    Route("/operator/disputes/{dispute_id}/resolve", resolve, methods=["POST"]),
]
