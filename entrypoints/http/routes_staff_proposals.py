"""Maker-checker over HTTP: the proposals of sensitive staff actions, and a second member of
staff's verdict (the maker can never be the checker)."""

from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.errors import ProposalNotFound, ValidationError
from domain.permissions import Permission
from domain.staff_proposal import ProposalStatus
from entrypoints.http import response_schemas as shapes
from entrypoints.http import staff_views
from entrypoints.http.auth import Handler, context, requires, returns, services
from entrypoints.http.offload import offload
from entrypoints.http.query import page_limit
from entrypoints.http.responses import JSONResponse

_LIST = {"status": {"type": "string", "enum": list(ProposalStatus)},
         "limit": {"type": "integer", "minimum": 1, "maximum": 100}}


def _proposal_id(request: Request) -> UUID:
    try:
        return UUID(request.path_params["proposal_id"])
    except ValueError:
        raise ProposalNotFound("no such proposal") from None


@returns(shapes.PROPOSALS)
@requires(Permission.OPERATE_CUSTOMERS)
async def listing(request: Request) -> Response:
    """Proposals newest first; `status=pending_approval` is the checkers' queue."""
    text = request.query_params.get("status")
    if text is not None and text not in set(ProposalStatus):
        raise ValidationError(f"'status' must be one of {', '.join(ProposalStatus)}",
                              field="status")
    found, now = await offload(services(request).staff_proposals.execute,
                               ProposalStatus(text) if text else None, page_limit(request))
    return JSONResponse({"items": [staff_views.proposal(p, now) for p in found]})


listing.query = _LIST  # type: ignore[attr-defined]


@returns(shapes.PROPOSAL)
@requires(Permission.OPERATE_CUSTOMERS)
async def show(request: Request) -> Response:
    """One proposal: what, about whom, why, who proposed and who decided it."""
    found, now = await offload(services(request).staff_proposals.get, _proposal_id(request))
    return JSONResponse(staff_views.proposal(found, now))


def _verdict(approve: bool) -> Handler:
    @returns(shapes.PROPOSAL)
    @requires(Permission.OPERATE_CUSTOMERS)
    async def decide(request: Request) -> Response:
        decider = services(request).decide_staff_action
        act = decider.approve if approve else decider.reject
        decided = await offload(act, _proposal_id(request), context(request))
        return JSONResponse(staff_views.proposal(decided, decided.decided_at or
                                                 decided.proposed_at))

    decide.__name__ = "approve" if approve else "reject"
    decide.__doc__ = ("Approve a proposal (not your own): the action is taken now."
                      if approve else "Reject a proposal (or, its maker, withdraw it).")
    return decide


routes = [
    Route("/operator/proposals", listing, methods=["GET"]),
    Route("/operator/proposals/{proposal_id}", show, methods=["GET"]),
    Route("/operator/proposals/{proposal_id}/approve", _verdict(True), methods=["POST"]),
    Route("/operator/proposals/{proposal_id}/reject", _verdict(False), methods=["POST"]),
]
