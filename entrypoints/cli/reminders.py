"""`vaani reminders`: delivering due reminders (from cron)."""

from __future__ import annotations

import typer

from application.use_cases import RunDueReminders
from entrypoints.cli.runtime import JSON_OPTION, container, emit_json, reports_errors, say

app = typer.Typer(help="Reminders.", no_args_is_help=True)


@app.command("run-due")
@reports_errors
def run_due(as_json: bool = JSON_OPTION) -> None:
    """Deliver every due occurrence exactly once and schedule the next (safe to run
    concurrently)."""
    delivered = container().resolve(RunDueReminders).execute()
    emit_json({"delivered": delivered}) if as_json else say(f"{delivered} reminder(s) delivered")
