"""A transfer's status and assessment, its step-up challenge, and the operators' review."""

from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.errors import TransferNotFound
from domain.permissions import Permission
from domain.transfer import TransferStatus
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http import views
from entrypoints.http.audio import audio_bytes
from entrypoints.http.auth import Handler, accepts, caller, context, requires, returns, services
from entrypoints.http.device_proofs import device_proof
from entrypoints.http.offload import offload, offload_heavy
from entrypoints.http.query import SCHEMAS, next_position, page_limit, path_id, reads
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.reversal_views import reversals_part
from entrypoints.http.schemas import ChallengeBody
from entrypoints.http.transfer_query import transfer_query

_SEARCH = {"reference": {"type": "string", "maxLength": 64},
           "from": SCHEMAS["from"], "to": SCHEMAS["to"],
           "status": {"type": "string", "enum": [s.value for s in TransferStatus]},
           "min": {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"},
           "max": {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"},
           "limit": SCHEMAS["limit"],
           "cursor": SCHEMAS["position"]}


def _transfer_id(request: Request) -> UUID:
    return path_id(request, "transfer_id", TransferNotFound, "transfer")


@returns(shapes.TRANSFER_DETAIL)
@requires(Permission.BANK)
async def show(request: Request) -> Response:
    """A transfer's status, its fraud assessment, and its reversals."""
    view = await offload(services(request).get_transfer.execute,
                         caller(request).customer_id, _transfer_id(request),
                         context(request))
    body = views.transfer_body(view.transfer, view.assessment)
    if view.reversals is not None:
        body.update(reversals_part(view.reversals, operator=False))
    return JSONResponse(body)


@returns(shapes.TRANSFER_PAGE)
@requires(Permission.SEE_TRANSFERS)
async def search(request: Request) -> Response:
    """Transfers newest first: a customer's own, every customer's for an operator; by
    reference, time (from, to), status and amount (min, max, in INR)."""
    query = transfer_query(request, caller(request))
    found = await offload(services(request).search_transfers.execute, query)
    return JSONResponse({"items": [views.transfer_body(t) for t in found], "next_cursor":
                         next_position(found, query.limit, lambda t: t.created_at,
                                       lambda t: t.id)})


search.query = _SEARCH  # type: ignore[attr-defined]


@returns(shapes.TRANSFER)
@accepts(ChallengeBody)
@requires(Permission.BANK)
async def answer_challenge(request: Request) -> Response:
    """Answer a step-up challenge with the UPI PIN, a code from the authenticator app (two-step
    login on), or a voice sample and a signed nonce. A right answer from a factor the password
    alone could have set up in the last 24 hours (a PIN set or changed, an authenticator turned
    on, a voice enrolled) is refused (401, reason pin_too_recent, totp_too_recent or
    voice_too_recent, and usable_from) and the transfer stays held."""
    body = structure(await json_body(request), ChallengeBody)
    voice = audio_bytes(body.voice_sample) if body.voice_sample is not None else None
    settled = await offload_heavy(
        lambda: services(request).challenge.execute(
            caller(request).customer_id, _transfer_id(request), context(request), pin=body.pin,
            totp=body.totp, voice=voice, proof=device_proof(body.device_proof, "device_proof")))
    return JSONResponse(views.transfer_body(settled))


@returns(shapes.TRANSFERS)
@reads("limit")
@requires(Permission.REVIEW_TRANSFERS)
async def review_queue(request: Request) -> Response:
    """Transfers held for an operator's review."""
    queue = await offload(services(request).review.queue, page_limit(request))
    return JSONResponse({"items": [views.transfer_body(v.transfer, v.assessment) for v in queue]})


def _verdict(approve: bool) -> Handler:
    """The operator's approve or reject endpoint: one body, two verdicts."""
    @returns(shapes.TRANSFER)
    @requires(Permission.REVIEW_TRANSFERS)
    async def decide(request: Request) -> Response:
        settled = await offload(services(request).review.decide, _transfer_id(request),
                                approve, context(request))
        return JSONResponse(views.transfer_body(settled))

    decide.__name__ = "approve" if approve else "reject"
    decide.__doc__ = ("Approve a held transfer: post it, label the payee legitimate." if approve
                      else "Reject a held transfer: give the money back, label the payee fraud.")
    return decide


routes = [
    Route("/transfers", search, methods=["GET"]),
    Route("/transfers/{transfer_id}", show, methods=["GET"]),
    Route("/transfers/{transfer_id}/challenge", answer_challenge, methods=["POST"]),
    Route("/operator/review", review_queue, methods=["GET"]),
    Route("/operator/review/{transfer_id}/approve", _verdict(True), methods=["POST"]),
    Route("/operator/review/{transfer_id}/reject", _verdict(False), methods=["POST"]),
]
