"""Cash at the counter: a teller pays cash in and out, and sees their till for the day."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.use_cases import TellerCommand
from domain.permissions import Permission
from domain.till import CashKind
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http import views
from entrypoints.http.auth import Handler, accepts, caller, context, requires, returns, services
from entrypoints.http.offload import offload
from entrypoints.http.openapi import idempotent
from entrypoints.http.query import account_number, day
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.schemas import CashBody
from entrypoints.http.till_views import till_body

_DATE = {"type": "string", "format": "date"}


def _cash(kind: CashKind) -> Handler:
    @returns(shapes.TRANSFER)
    @accepts(CashBody, 201)
    @idempotent(replays=True)
    @requires(Permission.HANDLE_CASH)
    async def move(request: Request) -> Response:
        body = structure(await json_body(request), CashBody)
        result = await offload(services(request).teller_cash.execute, TellerCommand(
            kind, account_number(request), body.amount, context(request), body.description,
            request.headers.get("idempotency-key")))
        headers = {"Idempotent-Replayed": "true"} if result.replayed else None
        return JSONResponse(views.transfer(result), 201, headers)

    move.__name__ = f"teller_{kind.value}"
    move.__doc__ = ("Take cash into a customer's account (idempotent with Idempotency-Key)."
                    if kind is CashKind.DEPOSIT else
                    "Pay cash out of a customer's account (idempotent with Idempotency-Key).")
    return move


@returns(shapes.TILLS)
@requires(Permission.HANDLE_CASH)
async def till(request: Request) -> Response:
    """Your till: what you took in and paid out on a day (today by default), by currency."""
    close = services(request).close_till
    found = await offload(close.report, day(request, "date") or close.today(),
                          caller(request).customer_id)
    return JSONResponse({"items": [till_body(r) for r in found]})


till.query = {"date": _DATE}  # type: ignore[attr-defined]

routes = [
    Route("/teller/accounts/{account_number}/deposit", _cash(CashKind.DEPOSIT), methods=["POST"]),
    Route("/teller/accounts/{account_number}/withdraw", _cash(CashKind.WITHDRAWAL),
          methods=["POST"]),
    Route("/teller/till", till, methods=["GET"]),
]
