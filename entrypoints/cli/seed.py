"""`vaani seed`: demo data."""

from __future__ import annotations

import typer

from application.use_cases import SeedDemo
from entrypoints.bootstrap import prepare_database
from entrypoints.cli.runtime import JSON_OPTION, container, emit_json, emit_table, reports_errors
from entrypoints.http import views

app = typer.Typer(help="Demo data.", no_args_is_help=True)


@app.command()
@reports_errors
def demo(as_json: bool = JSON_OPTION) -> None:
    """Create the demo customers and funded accounts (idempotent) and print their logins."""
    wired = container()
    prepare_database(wired)
    logins = wired.resolve(SeedDemo).execute()
    if as_json:
        emit_json({"customers": [{
            "customer_number": login.customer.customer_number, "password": login.password,
            "name": login.customer.full_name, "role": login.customer.role.value,
            "created": login.created, "accounts": [views.account(a) for a in login.accounts],
        } for login in logins]})
        return
    emit_table("Demo logins (POST /api/v1/auth/login)",
               ["customer_number", "password", "name", "role", "accounts"],
               [(login.customer.customer_number, login.password, login.customer.full_name,
                 login.customer.role.value,
                 ", ".join(f"{a.account_number} ({a.account_type.value}, {a.balance})"
                           for a in login.accounts) or "-")
                for login in logins])
