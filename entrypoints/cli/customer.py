"""`vaani customer`: onboarding by an operator."""

from __future__ import annotations

import os
import sys

import typer

from application.use_cases import RegisterCommand, RegisterCustomer
from domain.customer import Role
from entrypoints.cli.runtime import (
    JSON_OPTION,
    container,
    emit_json,
    fail,
    operator_context,
    reports_errors,
    say,
)

app = typer.Typer(help="Customers.", no_args_is_help=True)


def _new_password() -> str:
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
    customer = container().resolve(RegisterCustomer).execute(RegisterCommand(
        first_name=first_name, last_name=last_name, email=email, phone_number=phone,
        password=_new_password(), role=role, context=operator_context(),
    ))
    if as_json:
        emit_json({"customer_number": customer.customer_number, "role": customer.role.value,
                   "kyc_status": customer.kyc_status.value})
    else:
        say(f"customer {customer.customer_number} created ({customer.full_name}, "
            f"{customer.role.value}, KYC {customer.kyc_status.value})")
