"""`vaani reversals`: propose, approve, reject and list reversals of posted transfers.

Maker-checker at the command line names its operator (`--operator CUSTOMER_NUMBER`, a staff
member with the operator or admin role); the audit trail also records the OS account and host."""

from __future__ import annotations

import typer

from domain.errors import ReversalNotFound, TransferNotFound, ValidationError
from domain.money import Money
from domain.permissions import Permission
from domain.reversal import Reversal, ReversalStatus
from entrypoints.cli.runtime import (
    JSON_OPTION,
    acting,
    container,
    emit_json,
    emit_table,
    id_of,
    reports_errors,
    say,
)

app = typer.Typer(help="Reversals of posted transfers (maker-checker).", no_args_is_help=True)
OPERATOR = typer.Option(..., "--operator", help="Your customer number (operator or admin role).")


def _emit(reversal: Reversal, as_json: bool) -> None:
    from entrypoints.http.reversal_views import reversal_body

    now = reversal.decided_at or reversal.proposed_at
    if as_json:
        emit_json(reversal_body(reversal, now))
        return
    say(f"reversal {reversal.id} of transfer {reversal.transfer_id}: "
        f"{reversal.amount} {reversal.status_at(now).value}"
        + (f", posted as transfer {reversal.reversal_transfer_id}"
           if reversal.reversal_transfer_id else ""))


@app.command()
@reports_errors
def propose(transfer_id: str, reason: str = typer.Option(..., "--reason"),
            amount: str | None = typer.Option(None, "--amount",
                                              help="Default: all that is still reversible."),
            key: str | None = typer.Option(None, "--idempotency-key"),
            operator: str = OPERATOR, as_json: bool = JSON_OPTION) -> None:
    """Propose reversing a posted transfer: at once while all reversed of it stays at or below
    the approval amount (in rupees); past it, or in another currency, a second operator
    approves."""
    from application.use_cases import ListReversals, ProposeReversal, ReversalCommand

    context = acting(operator, Permission.REVERSE_TRANSFERS)
    original = id_of(transfer_id, TransferNotFound, "transfer")
    money = None
    if amount is not None:
        currency = container().resolve(ListReversals).of_transfer(None, original).reversible.currency
        money = Money.parse(amount, currency)
    reversal = container().resolve(ProposeReversal).execute(ReversalCommand(
        original, reason, context, money, key))
    _emit(reversal, as_json)


def _decide(reversal_id: str, operator: str, approve: bool, as_json: bool) -> None:
    from application.use_cases import DecideReversal

    context = acting(operator, Permission.REVERSE_TRANSFERS)
    decide = container().resolve(DecideReversal)
    act = decide.approve if approve else decide.reject
    _emit(act(id_of(reversal_id, ReversalNotFound, "reversal"), context), as_json)


@app.command()
@reports_errors
def approve(reversal_id: str, operator: str = OPERATOR, as_json: bool = JSON_OPTION) -> None:
    """Approve a proposal (a second operator): the money moves back."""
    _decide(reversal_id, operator, True, as_json)


@app.command()
@reports_errors
def reject(reversal_id: str, operator: str = OPERATOR, as_json: bool = JSON_OPTION) -> None:
    """Reject a proposal (its proposer may withdraw it this way)."""
    _decide(reversal_id, operator, False, as_json)


@app.command("list")
@reports_errors
def list_(status: str | None = typer.Option(None, "--status",
                                            help=", ".join(s.value for s in ReversalStatus)),
          limit: int = typer.Option(50, "--limit", min=1, max=100),
          as_json: bool = JSON_OPTION) -> None:
    """Reversals, newest first (`--status pending_approval`: the approvers' queue)."""
    from application.use_cases import ListReversals
    from entrypoints.http.reversal_views import reversal_body

    if status is not None and status not in ReversalStatus.__members__.values():
        raise ValidationError(f"--status must be one of {', '.join(ReversalStatus)}",
                              field="status")
    found, now = container().resolve(ListReversals).page(
        ReversalStatus(status) if status else None, None, limit)
    if as_json:
        emit_json({"items": [reversal_body(r, now) for r in found]})
        return
    emit_table("Reversals", ["reversal", "transfer", "amount", "status", "proposed", "reason"],
               [(r.id, r.transfer_id, r.amount, r.status_at(now).value,
                 r.proposed_at.strftime("%Y-%m-%d %H:%M"), r.reason) for r in found])
