"""`vaani account`: opening accounts and paying in cash."""

from __future__ import annotations

import enum

import typer

from domain.account import AccountType
from domain.ledger import Channel
from domain.money import Money
from entrypoints.cli.runtime import (
    JSON_OPTION,
    container,
    emit_json,
    operator_context,
    reports_errors,
    say,
)

app = typer.Typer(help="Accounts.", no_args_is_help=True)


class OpenableType(enum.StrEnum):
    SAVINGS = "savings"
    CURRENT = "current"


@app.command("open")
@reports_errors
def open_(
    customer_number: str = typer.Argument(...),
    account_type: OpenableType = typer.Option(..., "--type", case_sensitive=False),
    opening_deposit: str | None = typer.Option(None, "--opening-deposit"),
    currency: str = typer.Option("INR", "--currency"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Open a savings or current account; prints the account number."""
    from application.use_cases import OpenAccount, OpenAccountCommand
    from entrypoints.http import views

    deposit = Money.parse(opening_deposit, currency) if opening_deposit is not None else None
    account = container().resolve(OpenAccount).execute(OpenAccountCommand(
        customer_number, AccountType(account_type.value), currency, deposit,
        context=operator_context()))
    if as_json:
        emit_json(views.account(account))
    else:
        say(f"account {account.account_number} opened ({account.account_type.value}), "
            f"balance {account.balance}")


@app.command()
@reports_errors
def deposit(
    account_number: str = typer.Argument(...),
    amount: str = typer.Argument(..., help="Decimal amount, e.g. 250.00"),
    currency: str = typer.Option("INR", "--currency"),
    channel: Channel = typer.Option(Channel.BRANCH, "--channel", case_sensitive=False),
    description: str = typer.Option("", "--description"),
    idempotency_key: str | None = typer.Option(None, "--idempotency-key",
                                               help="Re-running with the same key deposits once."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Pay cash into an account."""
    from application.use_cases import CashCommand, Deposit, GetBalance
    from entrypoints.http import views

    wired = container()
    result = wired.resolve(Deposit).execute(CashCommand(
        account_number, Money.parse(amount, currency), channel, description, idempotency_key,
        context=operator_context()))
    account = wired.resolve(GetBalance).execute(None, account_number)
    if as_json:
        emit_json({**views.account(account), "transfer_id": str(result.transfer.id),
                   "replayed": result.replayed})
    else:
        say(f"deposited {result.transfer.amount} into {account_number}"
            f"{' (already done earlier: nothing moved)' if result.replayed else ''}; "
            f"balance {account.balance}")


def _act(account_number: str, action: str, as_json: bool) -> None:
    from application.use_cases import OperateAccounts
    from entrypoints.http import views

    operate = container().resolve(OperateAccounts)
    account = getattr(operate, action)(account_number, operator_context())
    if as_json:
        emit_json(views.account(account))
    else:
        say(f"account {account.account_number} is now {account.status.value}")


@app.command()
@reports_errors
def freeze(account_number: str, as_json: bool = JSON_OPTION) -> None:
    """Freeze an account: no money in or out."""
    _act(account_number, "freeze", as_json)


@app.command()
@reports_errors
def unfreeze(account_number: str, as_json: bool = JSON_OPTION) -> None:
    """Unfreeze an account."""
    _act(account_number, "unfreeze", as_json)


@app.command()
@reports_errors
def close(account_number: str, as_json: bool = JSON_OPTION) -> None:
    """Close an account; only at a zero balance with nothing held."""
    _act(account_number, "close", as_json)
