"""`vaani events`: the event feed at the command line, and the dispatcher that sends events to
webhook endpoints (docs/webhooks.md)."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, TypeVar

import attrs
import typer

from entrypoints.cli.runtime import JSON_OPTION, container, emit_json, emit_table, reports_errors, say

if TYPE_CHECKING:
    from application.use_cases import DispatchEvents

log = logging.getLogger("vaani.events")
T = TypeVar("T")
app = typer.Typer(help="Events: the feed, and their dispatch to webhook endpoints.",
                  no_args_is_help=True)


@app.command("list")
@reports_errors
def list_(customer_number: str | None = typer.Option(None, "--customer",
                                              help="Only this customer's events."),
          event_type: list[str] | None = typer.Option(None, "--type",
                                                      help="Only this type (repeat)."),
          after: int | None = typer.Option(None, "--after", min=0,
                                    help="After this sequence (the last one you saw)."),
          limit: int = typer.Option(50, "--limit", min=1, max=100),
          as_json: bool = JSON_OPTION) -> None:
    """Events oldest first, after a sequence."""
    from application.use_cases import OperateCustomers, ReadEvents

    wired = container()
    feed = wired.resolve(ReadEvents)
    if customer_number:
        who = wired.resolve(OperateCustomers).show(customer_number).customer
        page = feed.mine(who.id, after=after, limit=limit, types=event_type or None)
    else:
        page = feed.everyone(after=after, limit=limit, types=event_type or None)
    if as_json:
        emit_json({"items": [e.as_dict() for e in page.items], "position": page.position,
                   "more": page.more})
        return
    emit_table("Events", ["sequence", "type", "at", "customer", "resource"],
               [(e.sequence, e.type, e.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
                 str(e.customer_id or ""), e.resource) for e in page.items])
    say(f"continue after {page.position}" if page.position is not None else "no events yet")


@app.command()
@reports_errors
def dispatch(once: bool = typer.Option(False, "--once",
                                       help="Send what is due now, then exit (for cron)."),
             workers: int = typer.Option(4, "--workers", min=1, max=32,
                                         help="Deliveries sent at once (to different "
                                              "customers' queues)."),
             interval: float = typer.Option(1.0, "--interval", min=0.05, max=60.0,
                                            help="Seconds between looks for new events."),
             batch: int = typer.Option(100, "--batch", min=1, max=1000),
             as_json: bool = JSON_OPTION) -> None:
    """Send events to webhook endpoints (at least once, in order per customer, retried with
    backoff until dead) and customers' alerts by mail (at least once: while the mail server
    is down they wait, and each pass tries again). Safe to run in several processes;
    stops cleanly on SIGTERM or Ctrl-C (a delivery cut off mid-send is sent again when its
    lease runs out)."""
    from application.use_cases import DispatchEvents, SendAlerts

    dispatcher = container().resolve(DispatchEvents)
    alerts = container().resolve(SendAlerts)
    if once:
        run = dispatcher.execute(batch)
        mailed = alerts.execute()
        if as_json:
            emit_json({**attrs.asdict(run), "alerts": mailed})
        else:
            say(f"{run.owed} delivery(ies) owed; {run.delivered} delivered, {run.failed} to "
                f"retry, {run.dead} dead; {mailed} alert(s) sent")
        return
    stop = threading.Event()

    def stopping(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    senders = [threading.Thread(target=_send, args=(dispatcher, batch, interval, stop),
                                name=f"webhook-sender-{n}", daemon=True)
               for n in range(workers)]
    for sender in senders:
        sender.start()
    say(f"dispatching with {workers} sender(s); stop with Ctrl-C or SIGTERM")
    while not stop.is_set():
        _survive(dispatcher.fan_out)
        _survive(alerts.execute)
        stop.wait(interval)
    for sender in senders:
        sender.join()


def _send(dispatcher: DispatchEvents, batch: int, interval: float,
          stop: threading.Event) -> None:
    from application.use_cases import DispatchRun

    while not stop.is_set():
        if _survive(lambda: dispatcher.deliver_due(batch)) in (None, DispatchRun()):
            stop.wait(interval)  # nothing due, or a failure: look again shortly


def _survive(step: Callable[[], T]) -> T | None:
    """One pass of the dispatcher; a failure (the database away a moment) is logged and the
    next pass tries again, so no sender stops for good while the process runs on."""
    try:
        return step()
    except Exception:
        log.exception("a dispatch pass failed; trying again")
        return None

