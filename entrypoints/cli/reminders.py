"""`vaani reminders`: delivering due reminders (from cron)."""

from __future__ import annotations

import typer

from domain.timestamps import rfc3339
from entrypoints.cli.runtime import (
    JSON_OPTION,
    container,
    emit_json,
    emit_table,
    reports_errors,
    say,
)

app = typer.Typer(help="Reminders.", no_args_is_help=True)


@app.command("run-due")
@reports_errors
def run_due(as_json: bool = JSON_OPTION) -> None:
    """Deliver every due occurrence exactly once and schedule the next (safe to run
    concurrently). A reminder whose rule cannot be evaluated is skipped, suspended and audited
    (`reminder.suspended`), and counted as skipped: the run still succeeds (exit 0)."""
    from application.use_cases import RunDueReminders

    run = container().resolve(RunDueReminders).execute()
    if as_json:
        emit_json({"delivered": run.delivered, "skipped": run.skipped})
        return
    say(f"{run.delivered} reminder(s) delivered")
    if run.skipped:
        say(f"{run.skipped} reminder(s) skipped: the rule cannot be evaluated; suspended, "
            "see `vaani audit tail` (reminder.suspended)")


@app.command("list")
@reports_errors
def list_(customer_number: str, as_json: bool = JSON_OPTION) -> None:
    """A customer's reminders, soonest first."""
    from application.use_cases import ManageReminders, OperateCustomers

    wired = container()
    customer = wired.resolve(OperateCustomers).show(customer_number).customer
    found = wired.resolve(ManageReminders).list(customer.id)
    if as_json:
        emit_json({"items": [{"id": str(r.id), "type": r.type.value, "title": r.title,
                              "due_at": rfc3339(r.due_at), "rrule": r.rrule,
                              "status": r.status.value, "delivered": r.delivered}
                             for r in found]})
        return
    emit_table(f"Reminders of {customer_number}", ["due", "type", "title", "rule", "status"],
               [(r.due_at.strftime("%Y-%m-%d %H:%M"), r.type.value, r.title, r.rrule or "once",
                 r.status.value) for r in found])
