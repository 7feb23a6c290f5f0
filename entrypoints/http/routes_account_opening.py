"""Accounts a customer opens and closes themselves (within their KYC tier)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.use_cases import OpenAccountCommand
from domain.account import AccountType
from domain.permissions import Permission
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http import views
from entrypoints.http.auth import accepts, caller, context, requires, returns, services
from entrypoints.http.offload import offload
from entrypoints.http.query import account_number
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.schemas import OpenAccountBody


@returns(shapes.ACCOUNT)
@accepts(OpenAccountBody, 201)
@requires(Permission.BANK)
async def open_account(request: Request) -> Response:
    """Open a savings or current account (a pending KYC opens none; a minimum KYC one INR
    savings account)."""
    body = structure(await json_body(request), OpenAccountBody)
    opened = await offload(services(request).open_account.execute, OpenAccountCommand(
        "", AccountType(body.account_type), body.currency.upper(), context=context(request),
        branch_code=body.branch_code, customer_id=caller(request).customer_id))
    return JSONResponse(views.account(opened), 201)


@returns(shapes.ACCOUNT)
@requires(Permission.BANK)
async def close_account(request: Request) -> Response:
    """Close one of your accounts: only at zero, with nothing held."""
    closed = await offload(services(request).operate_accounts.close, account_number(request),
                           context(request), caller(request).customer_id)
    return JSONResponse(views.account(closed))


routes = [
    Route("/accounts", open_account, methods=["POST"]),
    Route("/accounts/{account_number}/close", close_account, methods=["POST"]),
]
