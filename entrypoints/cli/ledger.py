"""`vaani ledger`: the auditor's check."""

from __future__ import annotations

import typer

from entrypoints.cli.runtime import JSON_OPTION, container, emit_json, reports_errors, say

app = typer.Typer(help="Ledger.", no_args_is_help=True)


@app.command()
@reports_errors
def verify(as_json: bool = JSON_OPTION) -> None:
    """Check every ledger invariant; exits 0 only when all hold."""
    from application.use_cases import VerifyLedger

    report = container().resolve(VerifyLedger).execute()
    if as_json:
        emit_json({"ok": report.ok, "accounts": report.accounts, "entries": report.entries,
                   "transfers": report.transfers, "problems": report.problems})
    elif report.ok:
        say(f"ledger OK: {report.accounts} accounts, {report.transfers} transfers, "
            f"{report.entries} entries; every invariant holds")
    else:
        for problem in report.problems:
            typer.echo(f"problem: {problem}", err=True)
        typer.echo(f"ledger verification FAILED: {len(report.problems)} problem(s)", err=True)
    if not report.ok:
        raise typer.Exit(1)
