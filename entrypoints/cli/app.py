"""The `vaani` command for bank operators.

The command modules import use cases, adapters and views inside their commands, never at the
top: `vaani --help` then loads no database, model or web stack and answers at once
(tests/cli/test_cli_startup.py keeps it so)."""

from __future__ import annotations

import typer

from entrypoints.cli import (
    account,
    approvals,
    audit,
    customer,
    db,
    devices,
    disputes,
    events,
    fraud,
    interest,
    ledger,
    reminders,
    reversals,
    review,
    seed,
    staff,
    standing_orders,
    statements,
    teller,
    voice,
    webhooks,
)
from entrypoints.cli.serve import serve

app = typer.Typer(name="vaani", help="Vaani core banking: operator commands.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(db.app, name="db")
app.add_typer(seed.app, name="seed")
app.add_typer(customer.app, name="customer")
app.add_typer(account.app, name="account")
app.add_typer(ledger.app, name="ledger")
app.add_typer(audit.app, name="audit")
app.add_typer(voice.app, name="voice")
app.add_typer(review.app, name="review")
app.add_typer(review.holds, name="holds")
app.add_typer(fraud.app, name="fraud")
app.add_typer(devices.app, name="devices")
app.add_typer(reminders.app, name="reminders")
app.add_typer(statements.app, name="statements")
app.add_typer(reversals.app, name="reversals")
app.add_typer(disputes.app, name="disputes")
app.add_typer(standing_orders.app, name="standing-orders")
app.add_typer(teller.app, name="teller")
app.add_typer(interest.app, name="interest")
app.add_typer(approvals.app, name="approvals")
app.add_typer(staff.app, name="staff")
app.add_typer(webhooks.app, name="webhooks")
app.add_typer(events.app, name="events")
app.command()(serve)


def _version(asked: bool) -> None:
    if asked:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"vaani {version('vaani')}")
        except PackageNotFoundError:  # run from a checkout that was never installed
            typer.echo("vaani (not installed: no version recorded)")
        raise typer.Exit()


@app.callback()
def _options(show_version: bool = typer.Option(
        False, "--version", help="Print the installed version and exit.", callback=_version,
        is_eager=True)) -> None:
    """Vaani core banking: operator commands."""


def main() -> None:
    app()


if __name__ == "__main__":
    main()
