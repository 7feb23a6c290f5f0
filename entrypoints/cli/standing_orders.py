"""`vaani standing-orders`: paying due standing orders (from cron), and a look at them."""

from __future__ import annotations

from uuid import UUID

import attrs
import typer

from domain.errors import StandingOrderNotFound
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

app = typer.Typer(help="Standing orders.", no_args_is_help=True)


def _id(text: str) -> UUID:
    return id_of(text, StandingOrderNotFound, "standing order")


@app.command("run-due")
@reports_errors
def run_due(as_json: bool = JSON_OPTION) -> None:
    """Pay every due occurrence exactly once (safe to run concurrently, and again after a
    crash). A payment that fails is recorded with its reason, retried per the policy and told
    to the customer; the run still succeeds (exit 0)."""
    from application.use_cases import RunDueStandingOrders

    run = container().resolve(RunDueStandingOrders).execute()
    if as_json:
        emit_json(attrs.asdict(run))
        return
    say(f"{run.scheduled} occurrence(s) came due; {run.paid} paid, {run.retrying} to retry, "
        f"{run.failed} failed, {run.held} held by the fraud checks")


@app.command("list")
@reports_errors
def list_(customer_number: str, as_json: bool = JSON_OPTION) -> None:
    """A customer's standing orders, newest first."""
    from application.use_cases import ManageStandingOrders, OperateCustomers
    from entrypoints.http.standing_order_views import order_body

    wired = container()
    customer = wired.resolve(OperateCustomers).show(customer_number).customer
    found = wired.resolve(ManageStandingOrders).list(customer.id)
    if as_json:
        emit_json({"items": [order_body(o) for o in found]})
        return
    emit_table(f"Standing orders of {customer_number}",
               ["id", "amount", "to", "rule", "next due", "status"],
               [(o.id, o.amount, o.to_account_number or f"beneficiary {o.beneficiary_id}",
                 o.rrule or "once",
                 o.next_due_at.strftime("%Y-%m-%d %H:%M") if o.next_due_at else "-",
                 o.status.value) for o in found])


@app.command()
@reports_errors
def show(order_id: str, as_json: bool = JSON_OPTION) -> None:
    """One standing order and its latest occurrences."""
    from application.use_cases import ManageStandingOrders
    from entrypoints.http.standing_order_views import occurrence_body, order_body

    view = container().resolve(ManageStandingOrders).show(None, _id(order_id))
    if as_json:
        emit_json({**order_body(view.order),
                   "occurrences": [occurrence_body(o) for o in view.occurrences]})
        return
    say(f"standing order {view.order.id}: {view.order.amount} {view.order.rrule or 'once'}, "
        f"{view.order.status.value}")
    for o in view.occurrences:
        say(f"  {o.due_at:%Y-%m-%d %H:%M} {o.status.value}"
            + (f" ({o.reason})" if o.reason else ""))


def _change(verb: str, order_id: str, as_json: bool) -> None:
    from application.use_cases import ManageStandingOrders
    from entrypoints.http.standing_order_views import order_body

    act = getattr(container().resolve(ManageStandingOrders), verb)
    changed = act(None, _id(order_id), operator_context())
    if as_json:
        emit_json(order_body(changed))
    else:
        say(f"standing order {changed.id} is {changed.status.value}")


@app.command()
@reports_errors
def pause(order_id: str, as_json: bool = JSON_OPTION) -> None:
    """Pause (at the customer's request): what comes due meanwhile is skipped."""
    _change("pause", order_id, as_json)


@app.command()
@reports_errors
def resume(order_id: str, as_json: bool = JSON_OPTION) -> None:
    """Resume from the first occurrence after now."""
    _change("resume", order_id, as_json)


@app.command()
@reports_errors
def cancel(order_id: str, as_json: bool = JSON_OPTION) -> None:
    """Cancel: nothing more is paid."""
    _change("cancel", order_id, as_json)
