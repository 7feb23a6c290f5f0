"""`vaani audit`: the hash-chained audit trail."""

from __future__ import annotations

import typer

from application.use_cases import ListAuditEvents, VerifyAuditTrail
from entrypoints.cli.runtime import (
    JSON_OPTION,
    container,
    emit_json,
    emit_table,
    reports_errors,
    say,
)
from entrypoints.http.views import audit_event

app = typer.Typer(help="Audit trail.", no_args_is_help=True)


@app.command()
@reports_errors
def verify(as_json: bool = JSON_OPTION) -> None:
    """Walk the hash chain; exits non-zero naming the first broken record."""
    report = container().resolve(VerifyAuditTrail).execute()
    if as_json:
        emit_json({"ok": report.ok, "records": report.records, "first_break": report.first_break,
                   "broken_sequence": report.broken_sequence})
    elif report.ok:
        say(f"audit trail OK: {report.records} records, every link and hash holds")
    else:
        typer.echo(f"audit trail BROKEN at {report.first_break}", err=True)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
@reports_errors
def tail(limit: int = typer.Option(20, "--limit", "-n", min=1, max=100),
         as_json: bool = JSON_OPTION) -> None:
    """The newest audit records, newest first."""
    page = container().resolve(ListAuditEvents).execute(limit=limit)
    if as_json:
        emit_json({"items": [audit_event(e) for e in page.items]})
        return
    emit_table("Audit trail (newest first)",
               ["#", "time", "action", "outcome", "customer", "resource", "ip", "request"],
               [(e.sequence, e.occurred_at.strftime("%Y-%m-%d %H:%M:%S"), e.action, e.outcome,
                 e.customer_id or "-", e.resource or "-", e.ip or "-", e.request_id or "-")
                for e in page.items])
