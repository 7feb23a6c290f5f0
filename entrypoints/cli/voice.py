"""`vaani voice`: operator actions on customers' voice biometrics."""

from __future__ import annotations

import typer

from application.use_cases import RestoreVoice
from entrypoints.cli.runtime import (
    JSON_OPTION,
    container,
    emit_json,
    operator_context,
    reports_errors,
    say,
)

app = typer.Typer(help="Voice biometrics.", no_args_is_help=True)


@app.command()
@reports_errors
def restore(customer_number: str = typer.Argument(...), as_json: bool = JSON_OPTION) -> None:
    """Give back voice use disabled after too many failed verifications."""
    container().resolve(RestoreVoice).execute(customer_number, operator_context())
    if as_json:
        emit_json({"customer_number": customer_number, "voice": "restored"})
    else:
        say(f"voice restored for customer {customer_number}")
