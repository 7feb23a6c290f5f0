"""`vaani audit`: the hash-chained audit trail, and checkpoints that anchor it outside the database."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from domain.audit_checkpoint import SignedCheckpoint, parse_line
from domain.errors import ValidationError
from entrypoints.cli.runtime import (
    JSON_OPTION,
    container,
    emit_json,
    emit_table,
    reports_errors,
    say,
)

app = typer.Typer(help="Audit trail.", no_args_is_help=True)

CHECKPOINT_OPTION = typer.Option(
    [], "--checkpoint", "-c", help="A file of kept checkpoints, one per line (repeatable).")
TRUSTED_KEY_OPTION = typer.Option(
    [], "--trusted-key", envvar="VAANI_AUDIT_TRUSTED_KEY",
    help="The public key (or private key) file whose checkpoints are believed (repeatable).")


@app.command()
@reports_errors
def verify(checkpoint_files: list[Path] = CHECKPOINT_OPTION,
           trusted_keys: list[Path] = TRUSTED_KEY_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Walk the chain to its head and through every kept checkpoint; exit 1 names the break."""
    from application.use_cases import VerifyAuditTrail

    checkpoints = [c for path in checkpoint_files for c in _read_checkpoints(path)]
    report = container().resolve(VerifyAuditTrail).execute(
        checkpoints, [str(path) for path in trusted_keys])
    head = report.head
    if as_json:
        emit_json({"ok": report.ok, "records": report.records, "first_break": report.first_break,
                   "broken_sequence": report.broken_sequence,
                   "head": {"sequence": head.sequence, "record_hash": head.record_hash}
                   if head else None, "checkpoints": report.checkpoints})
    elif report.ok:
        newest = max((s.checkpoint for s in checkpoints), key=lambda c: c.taken_at, default=None)
        # The newest one's age shows a checkpoints file cut short, or a job that stopped.
        kept = f"; it holds and extends {report.checkpoints} kept checkpoint(s), the newest " \
            f"{newest.describe()}" if newest else ""
        say(f"audit trail OK: {report.records} records, every link and hash holds and the "
            f"chain ends at its head (record {report.records}){kept}")
    else:
        typer.echo(f"audit trail BROKEN: {report.first_break}", err=True)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
@reports_errors
def checkpoint(key: Path = typer.Option(..., "--key", envvar="VAANI_AUDIT_SIGNING_KEY",
                                        help="The private key file (`vaani audit keygen`)."),
               output: Path | None = typer.Option(
                   None, "--output", "-o", help="Append the checkpoint to this file "
                   "(default: print it).")) -> None:
    """Verify the chain, then sign where it ends now: one line to keep outside the database."""
    from application.use_cases import TakeAuditCheckpoint

    signed = container().resolve(TakeAuditCheckpoint).execute(str(key))
    line = signed.to_line()
    if output is None:
        typer.echo(line)
        return
    try:
        with open(output, "a", encoding="utf-8") as file:
            file.write(line + "\n")
            file.flush()
            os.fsync(file.fileno())
    except OSError as error:
        raise ValidationError(f"{output}: cannot append the checkpoint ({error.strerror})",
                              field="output") from None
    c = signed.checkpoint
    say(f"checkpoint of record {c.sequence} ({c.record_hash[:16]}…) signed by key {c.key_id}, "
        f"appended to {output}")


@app.command()
@reports_errors
def keygen(key: Path = typer.Argument(..., help="Where to write the private key (created 0600)."),
           public: Path | None = typer.Option(
               None, "--public", help="Where to write the public key (default: beside the "
               "private key, .pub.pem).")) -> None:
    """Make an Ed25519 key for signing checkpoints; never overwrites a file."""
    from application.use_cases import CreateAuditKey
    from entrypoints.bootstrap import audit_keys

    public = public or (key.with_suffix(".pub.pem") if key.suffix == ".pem"
                        else key.with_name(key.name + ".pub.pem"))
    key_id = CreateAuditKey(audit_keys()).execute(str(key), str(public))
    say(f"key {key_id}: private key {key} (keep it secret), public key {public} (give a copy "
        "to whoever verifies checkpoints)")


def _read_checkpoints(path: Path) -> list[SignedCheckpoint]:
    """Every checkpoint in the file; a file that holds none is refused, not passed."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ValidationError(f"{path}: cannot read the checkpoints ({error})",
                              field="checkpoint") from None
    found: list[SignedCheckpoint] = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                found.append(parse_line(line))
            except ValidationError as error:
                raise ValidationError(f"{path}:{number}: {error.message}",
                                      field="checkpoint") from None
    if not found:
        raise ValidationError(f"{path} holds no checkpoint", field="checkpoint")
    return found


@app.command()
@reports_errors
def tail(limit: int = typer.Option(20, "--limit", "-n", min=1, max=100),
         as_json: bool = JSON_OPTION) -> None:
    """The newest audit records, newest first."""
    from application.use_cases import ListAuditEvents
    from entrypoints.http.views import audit_event

    page = container().resolve(ListAuditEvents).execute(limit=limit)
    if as_json:
        emit_json({"items": [audit_event(e) for e in page.items]})
        return
    emit_table("Audit trail (newest first)",
               ["#", "time", "action", "outcome", "customer", "resource", "ip", "request"],
               [(e.sequence, e.occurred_at.strftime("%Y-%m-%d %H:%M:%S"), e.action, e.outcome,
                 e.customer_id or "-", e.resource or "-", e.ip or "-", e.request_id or "-")
                for e in page.items])
