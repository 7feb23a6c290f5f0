"""Reversals: operators propose, a second operator approves or anyone rejects; the queue."""

from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.use_cases import ReversalCommand
from domain.errors import ReversalNotFound, TransferNotFound, ValidationError
from domain.permissions import Permission
from domain.reversal import ReversalStatus
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http.auth import Handler, accepts, context, requires, returns, services
from entrypoints.http.offload import offload
from entrypoints.http.openapi import idempotent
from entrypoints.http.query import SCHEMAS, next_position, page_limit, path_id, position_after
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.reversal_views import reversal_body
from entrypoints.http.schemas import ReversalBody

_STATUS = {"type": "string", "enum": [s.value for s in ReversalStatus]}


def _reversal_id(request: Request) -> UUID:
    return path_id(request, "reversal_id", ReversalNotFound, "reversal")


@returns(shapes.REVERSAL)
@accepts(ReversalBody, 201)
@idempotent(replays=False)  # a repeat answers the first proposal, without the header
@requires(Permission.REVERSE_TRANSFERS)
async def propose(request: Request) -> Response:
    """Propose reversing a posted transfer (idempotent with Idempotency-Key): while all that is
    reversed of it, this proposal included, stays at or below the bank's approval amount (in
    its own currency) it posts at once; past it, or in another currency, it waits for a second
    operator."""
    body = structure(await json_body(request), ReversalBody)
    transfer_id = path_id(request, "transfer_id", TransferNotFound, "transfer")
    reversal = await offload(services(request).propose_reversal.execute, ReversalCommand(
        transfer_id=transfer_id, reason=body.reason, amount=body.amount,
        idempotency_key=request.headers.get("idempotency-key"), context=context(request)))
    return JSONResponse(reversal_body(reversal, reversal.decided_at or reversal.proposed_at), 201)


@returns(shapes.REVERSALS)
@requires(Permission.REVERSE_TRANSFERS)
async def queue(request: Request) -> Response:
    """Reversals, newest first; `status=pending_approval` is the approvers' queue."""
    status = request.query_params.get("status")
    if status is not None and status not in ReversalStatus.__members__.values():
        raise ValidationError(f"'status' must be one of {', '.join(ReversalStatus)}",
                              field="status")
    found, now = await offload(
        services(request).reversals.page, ReversalStatus(status) if status else None,
        position_after(request), page_limit(request))
    return JSONResponse({"items": [reversal_body(r, now) for r in found], "next_cursor":
                         next_position(found, page_limit(request), lambda r: r.proposed_at,
                                       lambda r: r.id)})


queue.query = {"limit": SCHEMAS["limit"], "cursor": SCHEMAS["position"],  # type: ignore[attr-defined]
               "status": _STATUS}


@returns(shapes.REVERSAL)
@requires(Permission.REVERSE_TRANSFERS)
async def show(request: Request) -> Response:
    """One reversal, with who proposed and decided it and why."""
    reversal, now = await offload(services(request).reversals.get, _reversal_id(request))
    return JSONResponse(reversal_body(reversal, now))


def _decision(approve: bool) -> Handler:
    @returns(shapes.REVERSAL)
    @requires(Permission.REVERSE_TRANSFERS)
    async def decide(request: Request) -> Response:
        decide_reversal = services(request).decide_reversal
        act = decide_reversal.approve if approve else decide_reversal.reject
        decided = await offload(act, _reversal_id(request), context(request))
        return JSONResponse(reversal_body(decided, decided.decided_at or decided.proposed_at))

    decide.__name__ = "approve_reversal" if approve else "reject_reversal"
    decide.__doc__ = ("Approve a proposed reversal (a second operator): the money moves back."
                      if approve else "Reject (or, as its proposer, withdraw) a proposed reversal.")
    return decide


routes = [
    Route("/operator/transfers/{transfer_id}/reversals", propose, methods=["POST"]),
    Route("/operator/reversals", queue, methods=["GET"]),
    Route("/operator/reversals/{reversal_id}", show, methods=["GET"]),
    Route("/operator/reversals/{reversal_id}/approve", _decision(True), methods=["POST"]),
    Route("/operator/reversals/{reversal_id}/reject", _decision(False), methods=["POST"]),
]
