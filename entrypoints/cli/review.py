"""`vaani review` and `vaani holds`: the operators' fraud queue and held money."""

from __future__ import annotations

from uuid import UUID

import typer

from domain.errors import TransferNotFound
from entrypoints.cli.runtime import (
    JSON_OPTION,
    container,
    emit_json,
    emit_table,
    id_of,
    operator_context,
    reports_errors,
    say,
)

app = typer.Typer(help="The fraud review queue.", no_args_is_help=True)
holds = typer.Typer(help="Held transfers.", no_args_is_help=True)


def _id(text: str) -> UUID:
    return id_of(text, TransferNotFound, "transfer")


@app.command("list")
@reports_errors
def list_(limit: int = typer.Option(50, "--limit", min=1, max=100),
          as_json: bool = JSON_OPTION) -> None:
    """Transfers held for review, oldest first, with their scores."""
    from application.use_cases import ReviewTransfers
    from entrypoints.http import views

    queue = container().resolve(ReviewTransfers).queue(limit)
    if as_json:
        emit_json({"items": [views.transfer_body(v.transfer, v.assessment) for v in queue]})
        return
    emit_table("Review queue", ["transfer", "created", "from", "to", "amount", "score", "reasons"],
               [(v.transfer.id, v.transfer.created_at.strftime("%Y-%m-%d %H:%M"),
                 v.transfer.from_account_number, v.transfer.to_account_number, v.transfer.amount,
                 v.assessment.assessment.score if v.assessment else "-",
                 "; ".join(v.assessment.assessment.reasons()) if v.assessment else "-")
                for v in queue])


@app.command()
@reports_errors
def show(transfer_id: str, as_json: bool = JSON_OPTION) -> None:
    """One transfer with its assessment."""
    from application.use_cases import GetTransfer
    from entrypoints.http import views

    view = container().resolve(GetTransfer).execute(None, _id(transfer_id), operator_context())
    body = views.transfer_body(view.transfer, view.assessment)
    if as_json:
        emit_json(body)
        return
    say(f"transfer {body['transfer_id']}: {body['status']}, {view.transfer.amount} from "
        f"{body['from_account_number']} to {body['to_account_number']}")
    for reason in body.get("assessment", {}).get("reasons", []):
        say(f"  {reason['points']:>5} {reason['code']}: {reason['reason']}")


def _decide(transfer_id: str, approve: bool, as_json: bool) -> None:
    from application.use_cases import ReviewTransfers
    from entrypoints.http import views

    settled = container().resolve(ReviewTransfers).decide(_id(transfer_id), approve,
                                                          operator_context())
    if as_json:
        emit_json(views.transfer_body(settled))
    else:
        say(f"transfer {settled.id} is now {settled.status.value}")


@app.command()
@reports_errors
def approve(transfer_id: str, as_json: bool = JSON_OPTION) -> None:
    """Post a held transfer (labels the payee legitimate)."""
    _decide(transfer_id, True, as_json)


@app.command()
@reports_errors
def reject(transfer_id: str, as_json: bool = JSON_OPTION) -> None:
    """Give the held money back (labels the payee as confirmed fraud)."""
    _decide(transfer_id, False, as_json)


@holds.command()
@reports_errors
def expire(as_json: bool = JSON_OPTION) -> None:
    """Void every hold whose time has run out (idempotent; run it from cron)."""
    from application.use_cases import ExpireHolds

    voided = container().resolve(ExpireHolds).execute(operator_context())
    if as_json:
        emit_json({"voided": voided})
    else:
        say(f"{voided} expired hold(s) voided")
