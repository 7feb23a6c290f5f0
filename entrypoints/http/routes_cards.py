"""The customer's cards."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.card import Card
from domain.errors import CardNotFound
from domain.permissions import Permission
from domain.timestamps import rfc3339
from entrypoints.http import response_schemas as shapes
from entrypoints.http.auth import caller, context, requires, returns, services
from entrypoints.http.offload import offload
from entrypoints.http.query import path_id
from entrypoints.http.responses import JSONResponse


def view(card: Card) -> dict[str, Any]:
    return {"id": str(card.id), "masked_number": card.masked_number, "network": card.network,
            "kind": card.kind.value, "status": card.status.value,
            "expires": card.expires.strftime("%m/%y"), "issued_at": rfc3339(card.issued_at)}


def _id(request: Request) -> UUID:
    return path_id(request, "card_id", CardNotFound, "card")


@returns(shapes.CARDS)
@requires(Permission.BANK)
async def list_cards(request: Request) -> Response:
    """The caller's cards (masked numbers only)."""
    found = await offload(services(request).cards.list, caller(request).customer_id)
    return JSONResponse({"items": [view(c) for c in found]})


@returns(shapes.CARD)
@requires(Permission.BANK)
async def block(request: Request) -> Response:
    """Block a card."""
    card = await offload(services(request).cards.set_blocked,
                         caller(request).customer_id, _id(request), True,
                         context(request))
    return JSONResponse(view(card))


@returns(shapes.CARD)
@requires(Permission.BANK)
async def unblock(request: Request) -> Response:
    """Unblock a card."""
    card = await offload(services(request).cards.set_blocked,
                         caller(request).customer_id, _id(request), False,
                         context(request))
    return JSONResponse(view(card))


routes = [
    Route("/cards", list_cards, methods=["GET"]),
    Route("/cards/{card_id}/block", block, methods=["POST"]),
    Route("/cards/{card_id}/unblock", unblock, methods=["POST"]),
]
