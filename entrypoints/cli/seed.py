"""`vaani seed`: demo data."""

from __future__ import annotations

import typer

from entrypoints.cli.runtime import JSON_OPTION, container, emit_json, reports_errors, say

app = typer.Typer(help="Demo data.", no_args_is_help=True)


@app.command()
@reports_errors
def demo(as_json: bool = JSON_OPTION) -> None:
    """Create the demo customers and funded accounts (idempotent) and print their logins."""
    from application.use_cases import SeedDemo
    from entrypoints.bootstrap import prepare_database
    from entrypoints.http import views

    wired = container(creating=True)
    prepare_database(wired)
    logins = wired.resolve(SeedDemo).execute()
    if as_json:
        emit_json({"customers": [{
            "customer_number": login.customer.customer_number, "password": login.password,
            "name": login.customer.full_name, "role": login.customer.role.value,
            "created": login.created, "accounts": [views.account(a) for a in login.accounts],
        } for login in logins]})
        return
    # Plain lines, not a table: a folded password in a narrow terminal is worse than no table.
    say("[bold]Demo logins[/] (POST /api/v1/auth/login with method \"password\"):")
    for login in logins:
        customer = login.customer
        say(f"  {customer.full_name} ({customer.role.value}): customer_number "
            f"[bold]{customer.customer_number}[/]  password [bold]{login.password}[/]")
        for opened in login.accounts:
            say(f"      {opened.account_type.value} account {opened.account_number}: "
                f"{opened.balance}")
