"""`vaani interest`: accrue a day's interest on savings (nightly) and post a month's (monthly)."""

from __future__ import annotations

import attrs
import typer

from entrypoints import parsing
from entrypoints.cli.runtime import JSON_OPTION, container, emit_json, reports_errors, say

app = typer.Typer(help="Interest on savings accounts.", no_args_is_help=True)


@app.command()
@reports_errors
def accrue(on: str | None = typer.Option(None, "--date", help="YYYY-MM-DD; default yesterday."),
           as_json: bool = JSON_OPTION) -> None:
    """Accrue one day's interest (once the day is over); running it again does nothing."""
    from application.use_cases import AccrueInterest

    day = None
    if on is not None:
        try:
            day = parsing.calendar_date(on)
        except ValueError as error:
            raise typer.BadParameter(f"--date {error}") from None
    run = container().resolve(AccrueInterest).execute(day)
    if as_json:
        emit_json({"date": run.day.isoformat(), "accounts": run.accounts, "already": run.already})
    elif run.already:
        say(f"interest of {run.day.isoformat()} was accrued already: nothing done")
    else:
        say(f"interest of {run.day.isoformat()} accrued on {run.accounts} account(s)")


@app.command()
@reports_errors
def post(month: str | None = typer.Option(None, "--month", help="YYYY-MM; default last month."),
         as_json: bool = JSON_OPTION) -> None:
    """Post one month's interest (once the month is over); running it again posts nothing more.
    An account that cannot take it now (frozen) is named and left for the next run, which posts
    it; so is a day accrued after its month was posted."""
    from application.use_cases import PostInterest

    run = container().resolve(PostInterest).execute(month)
    if as_json:
        emit_json(attrs.asdict(run))
    else:
        say(f"interest of {run.month}: {run.posted} account(s) credited, {run.carried} under a "
            f"paisa carried on, {run.already} posted before")
        for refusal in run.refused:
            say(f"  not posted: {refusal}")
    if run.refused:
        raise typer.Exit(1)
