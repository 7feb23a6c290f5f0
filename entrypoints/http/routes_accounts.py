"""Accounts, balances, transactions, transfers and statements of the calling customer."""

from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.use_cases import Principal, TransferCommand
from domain.errors import BeneficiaryNotFound, ChannelNotAllowed, ValidationError
from domain.ledger import Channel
from domain.permissions import Permission
from domain.transfer import TransferStatus
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http import views
from entrypoints.http.auth import accepts, context, requires_blocking, returns, services
from entrypoints.http.openapi import idempotent
from entrypoints.http.query import account_number, moment, page_cursor, page_limit, reads
from entrypoints.http.request_body import parse_json
from entrypoints.http.responses import JSONResponse
from entrypoints.http.schemas import StatementBody, TransferBody
from entrypoints.http.streamed_body import whole_or_streamed


@returns(shapes.ACCOUNTS)
@requires_blocking(Permission.BANK, reads_only=True, short=True)
def list_accounts(request: Request, who: Principal, _: bytes) -> Response:
    """The caller's accounts with balances."""
    bank = services(request)
    found, branches = bank.list_accounts.execute(who.customer_id), bank.branches.execute()
    return JSONResponse({"items": [views.account(a, branches) for a in found]})


@returns(shapes.ACCOUNT)
@requires_blocking(Permission.BANK, reads_only=True, short=True)
def balance(request: Request, who: Principal, _: bytes) -> Response:
    """One account's balance and available balance."""
    bank = services(request)
    account = bank.get_balance.execute(who.customer_id, account_number(request))
    return JSONResponse(views.account(account, bank.branches.execute()))


@returns(shapes.TRANSACTIONS)
@reads("limit", "cursor", "from", "to")
@requires_blocking(Permission.BANK, reads_only=True)
def transactions(request: Request, who: Principal, _: bytes) -> Response:
    """Ledger entries, newest first, keyset-paginated."""
    page = services(request).list_transactions.execute(
        who.customer_id, account_number(request), limit=page_limit(request),
        before=page_cursor(request),
        since=moment(request, "from", False), until=moment(request, "to", True),
    )
    return JSONResponse({"items": [views.entry(e) for e in page.items],
                         "next_cursor": views.encode_cursor(page.next_before)})


@returns(shapes.TRANSFER, also=(202,))  # 202: held, the money set aside meanwhile
@accepts(TransferBody, 201)
@idempotent(replays=True)
@requires_blocking(Permission.BANK, short=True)
def transfer(request: Request, who: Principal, raw: bytes) -> Response:
    """Move money (idempotent with Idempotency-Key); 201 posted, 202 held."""
    body = structure(parse_json(raw), TransferBody)
    if (body.to_account_number is None) == (body.beneficiary_id is None):
        raise ValidationError("give exactly one of to_account_number and beneficiary_id",
                              field="to_account_number")
    bank = services(request)
    _check_api_channel(body.channel, bank.settings.api_channels)
    command = TransferCommand(
        customer_id=who.customer_id,
        from_account_number=account_number(request),
        to_account_number=body.to_account_number or "", amount=body.amount,
        beneficiary_id=_uuid(body.beneficiary_id) if body.beneficiary_id else None,
        description=body.description, channel=body.channel,
        idempotency_key=request.headers.get("idempotency-key"), context=context(request),
        reference=body.reference,
        metadata=tuple(sorted(body.metadata.items())) if body.metadata else (),
    )
    result = bank.transfer.execute(command)
    headers = {"Idempotent-Replayed": "true"} if result.replayed else None
    held = result.transfer.status is not TransferStatus.COMPLETED  # 202: funds held meanwhile
    return JSONResponse(views.transfer(result), 202 if held else 201, headers)


def _check_api_channel(channel: Channel, allowed: frozenset[Channel]) -> None:
    """A customer's client names only the channels the bank opened to it (VAANI_API_CHANNELS):
    the channel decides which limits apply, so it is never the caller's free choice."""
    if channel not in allowed:
        names = ", ".join(sorted(c.value for c in allowed))
        raise ChannelNotAllowed(f"{channel.value} is not open to this API; use one of {names}",
                                channel=channel.value, allowed=names)


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise BeneficiaryNotFound("no such beneficiary") from None


@returns(shapes.STATEMENT_CSV, "text/csv")
@returns(shapes.STATEMENT)
@accepts(StatementBody)
@requires_blocking(Permission.BANK, reads_only=True, reads_body=True)
def statement(request: Request, who: Principal, raw: bytes) -> Response:
    """A statement for a date range, JSON or CSV.

    Sent whole, with its length, when short; a long one streams page by page."""
    body = structure(parse_json(raw), StatementBody)
    number = account_number(request)
    stream = services(request).stream_statement.execute(who.customer_id, number, body.from_,
                                                         body.to)
    if body.format == "json":
        return whole_or_streamed(views.statement_json(stream), "application/json")
    filename = f"statement-{number}-{body.from_.isoformat()}-{body.to.isoformat()}.csv"
    return whole_or_streamed(views.statement_csv(stream), "text/csv", {
        "Content-Disposition": f'attachment; filename="{filename}"'})


routes = [
    Route("/accounts", list_accounts, methods=["GET"]),
    Route("/accounts/{account_number}/balance", balance, methods=["GET"]),
    Route("/accounts/{account_number}/transactions", transactions, methods=["GET"]),
    Route("/accounts/{account_number}/transfer", transfer, methods=["POST"]),
    Route("/accounts/{account_number}/statement/download", statement, methods=["POST"]),
]
