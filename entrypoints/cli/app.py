"""The `vaani` command for bank operators.

The command modules import use cases, adapters and views inside their commands, never at the
top: `vaani --help` then loads no database, model or web stack and answers at once
(tests/cli/test_cli_startup.py keeps it so)."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

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
from entrypoints.cli.runtime import CommandFailed, report
from entrypoints.cli.serve import serve

# Click's base of the errors it reports as usage (a missing argument, an unknown option, a bad
# choice): found by name, as Typer either vendors Click or depends on it.
CLICK_ERROR: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_AS_JSON = "vaani_as_json"


class _Root(TyperGroup):
    """The `vaani` group: under `--json` a usage error is one JSON object on stderr (exit 2),
    as every other failure is, so a script never has to read Click's box of text."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None,
                     **extra: Any) -> Any:
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except CLICK_ERROR as error:
            _usage(error, "--json" in args)
        ctx.meta[_AS_JSON] = "--json" in args
        return ctx

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CLICK_ERROR as error:
            _usage(error, ctx.meta.get(_AS_JSON, False))


def _usage(error: Any, as_json: bool) -> None:
    if not as_json:
        raise error
    report(CommandFailed(error.format_message(), error.exit_code, "usage_error"), as_json=True)


app = typer.Typer(name="vaani", cls=_Root, help="Vaani core banking: operator commands.",
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
