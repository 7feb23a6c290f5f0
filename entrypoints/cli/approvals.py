"""`vaani approvals`: staff's maker-checker at the command line. A sensitive action (unfreeze,
KYC, voice restore, two-step login off: VAANI_APPROVALS) is proposed by one member of staff
(`--operator CUSTOMER_NUMBER --reason ...`) and approved here by another."""

from __future__ import annotations

from datetime import datetime

import typer

from domain.errors import ProposalNotFound
from domain.permissions import Permission
from domain.staff_proposal import ProposalStatus, StaffAction, StaffProposal
from entrypoints.cli.runtime import (
    JSON_OPTION,
    acting,
    container,
    emit_json,
    emit_table,
    id_of,
    operator_context,
    reports_errors,
    say,
)

app = typer.Typer(help="Staff proposals waiting for a second member of staff (maker-checker).",
                  no_args_is_help=True)
OPERATOR = typer.Option(..., "--operator", help="Your customer number (operator or admin).")
PROPOSER = typer.Option(None, "--operator",
                        help="Your customer number: needed when the action waits for approval.")
REASON = typer.Option(None, "--reason", help="Why: needed when the action waits for approval.")


def take_or_propose(action: StaffAction, number: str, params: dict[str, str],
                    operator: str | None, reason: str | None, as_json: bool,
                    done: str) -> None:
    """Take a sensitive action now, or propose it when the bank's policy asks for a second
    member of staff (then `--operator` and `--reason` say who proposes it and why)."""
    from application.use_cases import ProposeStaffAction

    context = acting(operator, Permission.OPERATE_CUSTOMERS) if operator else operator_context()
    proposed = container().resolve(ProposeStaffAction).execute(action, number, params, reason,
                                                               context)
    if proposed is not None:
        _emit(proposed, as_json, proposed.proposed_at)
        if not as_json:
            say(f"another member of staff approves it: vaani approvals approve {proposed.id} "
                "--operator <their number>")
    elif as_json:
        emit_json({"status": "done", "action": action.value, "customer_number": number})
    else:
        say(done)


def _emit(p: StaffProposal, as_json: bool, now: datetime) -> None:
    from entrypoints.http.staff_views import proposal as proposal_body

    body = proposal_body(p, now)
    if as_json:
        emit_json(body)
    else:
        say(f"proposal {p.id}: {p.action.value} for customer {p.customer_number} "
            f"({', '.join(f'{k}={v}' for k, v in p.params) or 'no parameters'}): "
            f"{body['status']}" + (f", {p.outcome}" if p.outcome else ""))


@app.command("list")
@reports_errors
def list_(status: ProposalStatus | None = typer.Option(None, "--status", case_sensitive=False),
          limit: int = typer.Option(50, "--limit", min=1, max=100),
          as_json: bool = JSON_OPTION) -> None:
    """Proposals newest first (`--status pending_approval`: the approvers' queue)."""
    from application.use_cases import ListStaffProposals
    from entrypoints.http.staff_views import proposal as proposal_body

    found, now = container().resolve(ListStaffProposals).execute(status, limit)
    if as_json:
        emit_json({"items": [proposal_body(p, now) for p in found]})
        return
    emit_table("Proposals", ["id", "action", "customer", "status", "proposed", "reason"],
               [(str(p.id), p.action.value, p.customer_number, p.status_at(now).value,
                 p.proposed_at.strftime("%Y-%m-%d %H:%M"), p.reason) for p in found])


@app.command()
@reports_errors
def show(proposal_id: str, as_json: bool = JSON_OPTION) -> None:
    """One proposal."""
    from application.use_cases import ListStaffProposals

    found, now = container().resolve(ListStaffProposals).get(
        id_of(proposal_id, ProposalNotFound, "proposal"))
    _emit(found, as_json, now)


@app.command()
@reports_errors
def approve(proposal_id: str, operator: str = OPERATOR, as_json: bool = JSON_OPTION) -> None:
    """Approve another member of staff's proposal: the action is taken now."""
    from application.use_cases import DecideStaffAction

    decided = container().resolve(DecideStaffAction).approve(
        id_of(proposal_id, ProposalNotFound, "proposal"),
        acting(operator, Permission.OPERATE_CUSTOMERS))
    _emit(decided, as_json, decided.decided_at or decided.proposed_at)


@app.command()
@reports_errors
def reject(proposal_id: str, operator: str = OPERATOR, as_json: bool = JSON_OPTION) -> None:
    """Reject a proposal (its maker may withdraw it this way)."""
    from application.use_cases import DecideStaffAction

    decided = container().resolve(DecideStaffAction).reject(
        id_of(proposal_id, ProposalNotFound, "proposal"),
        acting(operator, Permission.OPERATE_CUSTOMERS))
    _emit(decided, as_json, decided.decided_at or decided.proposed_at)
