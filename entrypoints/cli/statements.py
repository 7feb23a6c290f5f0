"""`vaani statements`: exporting an account's statement for any range, streamed to a file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from domain.errors import ValidationError
from entrypoints import parsing
from entrypoints.cli.runtime import JSON_OPTION, container, emit_json, reports_errors, say

app = typer.Typer(help="Statements.", no_args_is_help=True)


def _day(text: str, name: str) -> date:
    """Parsed as the API parses it (entrypoints/parsing.py): 9999-12-31 overflowed the day after."""
    try:
        return parsing.calendar_date(text)
    except parsing.Refused as refused:
        raise ValidationError(f"--{name} {refused} (YYYY-MM-DD)", field=name) from None


@app.command()
@reports_errors
def export(account_number: str,
           start: str = typer.Option(..., "--from", help="first day, YYYY-MM-DD"),
           end: str = typer.Option(..., "--to", help="last day, YYYY-MM-DD"),
           fmt: str = typer.Option("csv", "--format", help="csv | json"),
           out: Path = typer.Option(..., "--out", dir_okay=False),
           as_json: bool = JSON_OPTION) -> None:
    """Write a statement (opening balance, entries, closing balance) to a file."""
    from rich.progress import Progress

    from application.use_cases import StreamStatement
    from entrypoints.http import views

    if fmt not in ("csv", "json"):
        raise ValidationError("--format must be csv or json", field="format")
    stream = container().resolve(StreamStatement).execute(
        None, account_number, _day(start, "from"), _day(end, "to"))
    render = views.statement_csv if fmt == "csv" else views.statement_json
    lines = 0
    with out.open("w", newline="") as handle, \
            Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("writing the statement", total=None)
        for chunk in render(stream):
            handle.write(chunk)
            lines += 1
            progress.advance(task)
    summary = {"account_number": account_number, "file": str(out),
               "entries": max(lines - (3 if fmt == "csv" else 2), 0),
               "opening_balance": views.money(stream.opening_balance),
               "closing_balance": views.money(stream.tally.closing)}
    if as_json:
        emit_json(summary)
    else:
        say(f"{summary['entries']} entries written to {out}; opening {stream.opening_balance}, "
            f"closing {stream.tally.closing}")
