"""`vaani disputes`: the operators' dispute queue at the command line (take, resolve).

Like reversals, a step names its operator (`--operator CUSTOMER_NUMBER`)."""

from __future__ import annotations

from uuid import UUID

import typer

from domain.dispute import Dispute, DisputeStatus
from domain.errors import DisputeNotFound, ValidationError
from domain.money import Money
from domain.permissions import Permission
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

app = typer.Typer(help="Customers' disputes of posted debits.", no_args_is_help=True)
OPERATOR = typer.Option(..., "--operator", help="Your customer number (operator or admin role).")


def _id(text: str) -> UUID:
    return id_of(text, DisputeNotFound, "dispute")


def _emit(dispute: Dispute, as_json: bool) -> None:
    from entrypoints.http.dispute_views import dispute_body

    if as_json:
        emit_json(dispute_body(dispute, dispute.updated_at, operator=True))
        return
    say(f"dispute {dispute.id} of transfer {dispute.transfer_id}: {dispute.status.value}, "
        f"due by {dispute.due_by:%Y-%m-%d}"
        + (f", refund {dispute.reversal_id}" if dispute.reversal_id else ""))


@app.command("list")
@reports_errors
def list_(status: str | None = typer.Option(None, "--status",
                                            help=", ".join(s.value for s in DisputeStatus)),
          overdue: bool = typer.Option(False, "--overdue", help="Only those past their deadline."),
          limit: int = typer.Option(50, "--limit", min=1, max=100),
          as_json: bool = JSON_OPTION) -> None:
    """Cases by deadline, soonest first."""
    from application.use_cases import ListDisputes
    from entrypoints.http.dispute_views import dispute_body

    if status is not None and status not in DisputeStatus.__members__.values():
        raise ValidationError(f"--status must be one of {', '.join(DisputeStatus)}",
                              field="status")
    found, now = container().resolve(ListDisputes).queue(
        DisputeStatus(status) if status else None, overdue, None, limit)
    if as_json:
        emit_json({"items": [dispute_body(d, now, operator=True) for d in found]})
        return
    emit_table("Disputes", ["dispute", "transfer", "reason", "status", "due by", "overdue"],
               [(d.id, d.transfer_id, d.reason.value, d.status.value,
                 d.due_by.strftime("%Y-%m-%d %H:%M"), "yes" if d.overdue(now) else "")
                for d in found])


@app.command()
@reports_errors
def show(dispute_id: str, as_json: bool = JSON_OPTION) -> None:
    """One case: the customer's words, the deadline, who works it, its refund."""
    from application.use_cases import ListDisputes

    found, _ = container().resolve(ListDisputes).get(None, _id(dispute_id))
    _emit(found, as_json)
    if not as_json:
        say(f"  {found.reason.value}: {found.description}")


@app.command()
@reports_errors
def investigate(dispute_id: str, operator: str = OPERATOR, as_json: bool = JSON_OPTION) -> None:
    """Take a case: it is investigating, and yours."""
    from application.use_cases import WorkDisputes

    context = acting(operator, Permission.WORK_DISPUTES)
    _emit(container().resolve(WorkDisputes).investigate(_id(dispute_id), context), as_json)


@app.command()
@reports_errors
def resolve(dispute_id: str,
            outcome: str = typer.Option(..., "--outcome", help="refunded or rejected"),
            note: str = typer.Option(..., "--note", help="The bank's answer to the customer."),
            amount: str | None = typer.Option(None, "--amount", help="A partial refund."),
            operator: str = OPERATOR, as_json: bool = JSON_OPTION) -> None:
    """Resolve a case: rejected, or refunded by a reversal (maker-checker above the amount)."""
    from application.use_cases import ListDisputes, ListReversals, WorkDisputes

    if outcome not in ("refunded", "rejected"):
        raise ValidationError("--outcome must be refunded or rejected", field="outcome")
    context = acting(operator, Permission.WORK_DISPUTES)
    work, case = container().resolve(WorkDisputes), _id(dispute_id)
    if outcome == "rejected":
        done = work.reject(case, note, context)
    else:
        money = None
        if amount is not None:  # in the disputed transfer's currency
            found, _ = container().resolve(ListDisputes).get(None, case)
            currency = container().resolve(ListReversals).of_transfer(
                None, found.transfer_id).reversible.currency
            money = Money.parse(amount, currency)
        done = work.refund(case, note, context, money)
    _emit(done, as_json)
