"""Accounts, balances, transactions, transfers and statements of the calling customer."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.use_cases import TransferCommand
from domain.customer import Role
from domain.errors import ValidationError
from entrypoints.converters import structure
from entrypoints.http import views
from entrypoints.http.auth import Principal, principal
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.schemas import StatementBody, TransferBody
from entrypoints.http.services import Services


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _customer(request: Request) -> Principal:
    return principal(request, _services(request).tokens, Role.CUSTOMER)


async def list_accounts(request: Request) -> Response:
    who = _customer(request)
    found = await run_in_threadpool(_services(request).list_accounts.execute, who.customer_id)
    return JSONResponse({"items": [views.account(a) for a in found]})


async def balance(request: Request) -> Response:
    who = _customer(request)
    account = await run_in_threadpool(_services(request).get_balance.execute, who.customer_id,
                                      request.path_params["account_number"])
    return JSONResponse(views.account(account))


def _moment(request: Request, name: str, end_of_day: bool) -> datetime | None:
    text = request.query_params.get(name)
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1) if end_of_day else day, time.min, UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"'{name}' must be a date or an RFC 3339 timestamp",
                              field=name) from None
    if moment.tzinfo is None:
        raise ValidationError(f"'{name}' needs a time zone (e.g. Z)", field=name)
    return moment


def _limit(request: Request) -> int:
    text = request.query_params.get("limit", "20")
    if not text.isdigit():
        raise ValidationError("limit must be a whole number between 1 and 100", field="limit")
    return int(text)


async def transactions(request: Request) -> Response:
    who = _customer(request)
    page = await run_in_threadpool(
        _services(request).list_transactions.execute, who.customer_id,
        request.path_params["account_number"], limit=_limit(request),
        before=views.decode_cursor(request.query_params.get("cursor")),
        since=_moment(request, "from", False), until=_moment(request, "to", True),
    )
    return JSONResponse({"items": [views.entry(e) for e in page.items],
                         "next_cursor": views.encode_cursor(page.next_before)})


async def transfer(request: Request) -> Response:
    who = _customer(request)
    body = structure(await json_body(request), TransferBody)
    command = TransferCommand(
        customer_id=who.customer_id, from_account_number=request.path_params["account_number"],
        to_account_number=body.to_account_number, amount=body.amount,
        description=body.description, channel=body.channel,
        idempotency_key=request.headers.get("idempotency-key"),
    )
    result = await run_in_threadpool(_services(request).transfer.execute, command)
    headers = {"Idempotent-Replayed": "true"} if result.replayed else None
    return JSONResponse(views.transfer(result), 201, headers)


async def statement(request: Request) -> Response:
    who = _customer(request)
    body = structure(await json_body(request), StatementBody)
    number = request.path_params["account_number"]
    found = await run_in_threadpool(_services(request).statement.execute, who.customer_id,
                                    number, body.from_, body.to)
    if body.format == "json":
        return JSONResponse(views.statement(found))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(views.STATEMENT_COLUMNS)
    writer.writerows(views.statement_rows(found))
    filename = f"statement-{number}-{body.from_.isoformat()}-{body.to.isoformat()}.csv"
    return Response(out.getvalue(), 200, {"Content-Disposition": f'attachment; filename="{filename}"'},
                    media_type="text/csv")


routes = [
    Route("/accounts", list_accounts, methods=["GET"]),
    Route("/accounts/{account_number}/balance", balance, methods=["GET"]),
    Route("/accounts/{account_number}/transactions", transactions, methods=["GET"]),
    Route("/accounts/{account_number}/transfer", transfer, methods=["POST"]),
    Route("/accounts/{account_number}/statement/download", statement, methods=["POST"]),
]
