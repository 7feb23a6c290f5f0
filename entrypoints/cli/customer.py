"""`vaani customer`: onboarding by an operator."""

from __future__ import annotations

import os
import sys

import typer

from domain.customer import KycStatus, Role
from domain.staff_proposal import StaffAction
from entrypoints.cli.approvals import PROPOSER, REASON, take_or_propose
from entrypoints.cli.runtime import (
    JSON_OPTION,
    container,
    emit_json,
    emit_table,
    fail,
    operator_context,
    reports_errors,
    say,
)

app = typer.Typer(help="Customers.", no_args_is_help=True)


def new_password() -> str:
    password = os.environ.get("VAANI_NEW_PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        fail("no password: set VAANI_NEW_PASSWORD or run in a terminal to be prompted", 2)
    entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return entered


@app.command()
@reports_errors
def create(
    first_name: str = typer.Option(..., "--first-name"),
    last_name: str = typer.Option(..., "--last-name"),
    email: str = typer.Option(..., "--email"),
    phone: str = typer.Option(..., "--phone"),
    role: Role = typer.Option(Role.CUSTOMER, "--role", case_sensitive=False),
    as_json: bool = JSON_OPTION,
) -> None:
    """Register a customer or staff member; prints the new customer number."""
    from application.use_cases import RegisterCommand, RegisterCustomer

    customer = container().resolve(RegisterCustomer).execute(RegisterCommand(
        first_name=first_name, last_name=last_name, email=email, phone_number=phone,
        password=new_password(), role=role, context=operator_context(),
    ))
    if as_json:
        emit_json({"customer_number": customer.customer_number, "role": customer.role.value,
                   "kyc_status": customer.kyc_status.value})
    else:
        say(f"customer {customer.customer_number} created ({customer.full_name}, "
            f"{customer.role.value}, KYC {customer.kyc_status.value})")


@app.command()
@reports_errors
def show(customer_number: str, as_json: bool = JSON_OPTION) -> None:
    """A customer's profile, accounts and devices."""
    from application.use_cases import OperateCustomers
    from entrypoints.http import views

    overview = container().resolve(OperateCustomers).show(customer_number)
    body = {**views.customer(overview.customer),
            "accounts": [views.account(a) for a in overview.accounts],
            "devices": [views.device(d) for d in overview.devices]}
    if as_json:
        emit_json(body)
        return
    c = overview.customer
    say(f"{c.full_name} ({c.customer_number}), {c.role.value}, KYC {c.kyc_status.value}, "
        f"risk {c.risk_segment.value}, {c.email}, {c.phone_number}")
    emit_table("Accounts", ["account", "type", "status", "balance", "available"],
               [(a.account_number, a.account_type.value, a.status.value, a.balance,
                 a.available_balance) for a in overview.accounts])
    emit_table("Devices", ["identifier", "label", "trust", "last seen"],
               [(d.identifier, d.label or "-", d.trust.value, d.last_seen_at.strftime("%Y-%m-%d %H:%M"))
                for d in overview.devices])


def _freeze(customer_number: str, frozen: bool, as_json: bool) -> None:
    from application.use_cases import OperateCustomers

    changed = container().resolve(OperateCustomers).freeze(customer_number, frozen,
                                                           operator_context())
    if as_json:
        emit_json({"customer_number": customer_number, "frozen": frozen,
                   "accounts": [a.account_number for a in changed]})
    else:
        say(f"{'froze' if frozen else 'unfroze'} {len(changed)} account(s) of {customer_number}"
            + ("; their sessions are ended" if frozen else ""))


@app.command()
@reports_errors
def freeze(customer_number: str, as_json: bool = JSON_OPTION) -> None:
    """Freeze every open account of a customer and end their sessions."""
    _freeze(customer_number, True, as_json)


@app.command()
@reports_errors
def unfreeze(customer_number: str, operator: str | None = PROPOSER,
             reason: str | None = REASON, as_json: bool = JSON_OPTION) -> None:
    """Unfreeze a customer's accounts (proposed for approval under VAANI_APPROVALS)."""
    take_or_propose(StaffAction.UNFREEZE_CUSTOMER, customer_number, {}, operator, reason,
                    as_json, f"unfroze the accounts of {customer_number}")


@app.command()
@reports_errors
def kyc(customer_number: str,
        status: KycStatus = typer.Argument(..., case_sensitive=False),
        operator: str | None = PROPOSER, reason: str | None = REASON,
        as_json: bool = JSON_OPTION) -> None:
    """Set the customer's KYC tier: pending, min, full or rejected (docs/money-operations.md;
    to `full` it is proposed for approval under VAANI_APPROVALS)."""
    take_or_propose(StaffAction.SET_KYC, customer_number, {"status": status.value}, operator,
                    reason, as_json, f"KYC of {customer_number} is now {status.value}")


@app.command("second-factor-off")
@reports_errors
def second_factor_off(customer_number: str, operator: str | None = PROPOSER,
                      reason: str | None = REASON, as_json: bool = JSON_OPTION) -> None:
    """Turn a customer's two-step login off (a lost phone and recovery codes), once the bank
    has identified them another way (proposed for approval under VAANI_APPROVALS)."""
    take_or_propose(StaffAction.RESET_SECOND_FACTOR, customer_number, {}, operator, reason,
                    as_json, f"two-step login is off for {customer_number}")
