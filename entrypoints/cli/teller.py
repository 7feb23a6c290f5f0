"""`vaani teller`: cash at the counter (deposit, withdraw) and the close of a business day.

A teller names themselves (`--teller CUSTOMER_NUMBER`, a staff member with the teller role)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import typer

from domain.money import Money
from domain.permissions import Permission
from domain.till import CashKind
from entrypoints import parsing
from entrypoints.cli.runtime import (
    JSON_OPTION,
    acting,
    container,
    emit_json,
    emit_table,
    operator_context,
    reports_errors,
    say,
)

if TYPE_CHECKING:
    from application.use_cases import CloseTillDay

app = typer.Typer(help="Cash at the counter and the tellers' tills.", no_args_is_help=True)
TELLER = typer.Option(..., "--teller", help="Your customer number (teller role).")


def _move(kind: CashKind, account_number: str, amount: str, teller: str, currency: str,
          description: str, key: str | None, as_json: bool) -> None:
    from application.use_cases import TellerCash, TellerCommand
    from entrypoints.http import views

    result = container().resolve(TellerCash).execute(TellerCommand(
        kind, account_number, Money.parse(amount, currency), acting(teller, Permission.HANDLE_CASH),
        description, key))
    if as_json:
        emit_json({**views.transfer(result), "replayed": result.replayed})
        return
    say(f"{kind.value} of {result.transfer.amount} at {account_number}: transfer "
        f"{result.transfer.id}" + (" (already done: nothing moved)" if result.replayed else ""))


@app.command()
@reports_errors
def deposit(account_number: str, amount: str, teller: str = TELLER,
            currency: str = typer.Option("INR", "--currency"),
            description: str = typer.Option("", "--description"),
            key: str | None = typer.Option(None, "--idempotency-key", help="The slip number."),
            as_json: bool = JSON_OPTION) -> None:
    """Take cash into a customer's account."""
    _move(CashKind.DEPOSIT, account_number, amount, teller, currency, description, key, as_json)


@app.command()
@reports_errors
def withdraw(account_number: str, amount: str, teller: str = TELLER,
             currency: str = typer.Option("INR", "--currency"),
             description: str = typer.Option("", "--description"),
             key: str | None = typer.Option(None, "--idempotency-key", help="The slip number."),
             as_json: bool = JSON_OPTION) -> None:
    """Pay cash out of a customer's account (never below its available balance)."""
    _move(CashKind.WITHDRAWAL, account_number, amount, teller, currency, description, key,
          as_json)


def _day(text: str | None, close: CloseTillDay) -> date:
    if text is None:
        return close.today()
    try:
        return parsing.calendar_date(text)
    except ValueError as error:
        raise typer.BadParameter(f"--date {error}") from None


@app.command("close-day")
@reports_errors
def close_day(on: str | None = typer.Option(None, "--date", help="YYYY-MM-DD; default today."),
              teller: str | None = typer.Option(None, "--teller", help="One teller's till."),
              as_json: bool = JSON_OPTION) -> None:
    """Close the day's tills: each till's totals against the ledger; exit 1 if one differs.
    No more cash moves through a closed till on that date."""
    from application.use_cases import CloseTillDay, OperateCustomers
    from entrypoints.http.till_views import till_body

    wired = container()
    close = wired.resolve(CloseTillDay)
    staff = wired.resolve(OperateCustomers).staff(teller, Permission.HANDLE_CASH).id if teller else None
    reports = close.execute(_day(on, close), operator_context(), staff)
    if as_json:
        emit_json({"items": [till_body(r) for r in reports]})
    else:
        emit_table(f"Tills closed ({_day(on, close).isoformat()})",
                   ["teller", "currency", "in", "deposited", "out", "withdrawn", "reversed",
                    "net", "ledger agrees"],
                   [(r.totals.teller_id, r.totals.currency, r.totals.deposits,
                     r.totals.deposited, r.totals.withdrawals, r.totals.withdrawn,
                     r.totals.deposits_reversed - r.totals.withdrawals_reversed, r.totals.net,
                     "yes" if r.balanced else "NO") for r in reports])
    if not all(r.balanced for r in reports):
        raise typer.Exit(1)
