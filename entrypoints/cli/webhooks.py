"""`vaani webhooks`: the endpoints events are sent to (docs/webhooks.md), managed by operators
(`--operator CUSTOMER_NUMBER`, audited as them)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import typer

from domain.errors import WebhookNotFound
from domain.permissions import Permission
from domain.webhook import DeliveryStatus
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

if TYPE_CHECKING:
    from application.use_cases import ManageWebhooks, NewSecret

app = typer.Typer(help="Webhook endpoints: where the bank's events are sent, signed.",
                  no_args_is_help=True)
OPERATOR = typer.Option(..., "--operator", help="Your customer number (operator or admin).")


def _manage() -> ManageWebhooks:
    from application.use_cases import ManageWebhooks

    return container().resolve(ManageWebhooks)


def _with_secret(made: NewSecret, as_json: bool, what: str) -> None:
    from entrypoints.http.webhook_views import endpoint

    if as_json:
        emit_json({**endpoint(made.endpoint), "secret": made.secret})
        return
    say(f"{what} {made.endpoint.id} -> {_plain(made.endpoint.url)}")
    say(f"secret (shown once; the receiver verifies signatures with it): {made.secret}")


@app.command()
@reports_errors
def add(url: str, operator: str = OPERATOR,
        event_type: list[str] | None = typer.Option(None, "--type",
                                             help="An event type to send (repeat); all if none."),
        description: str = typer.Option("", "--description"),
        as_json: bool = JSON_OPTION) -> None:
    """Register an endpoint: it is sent the events that happen from now on."""
    made = _manage().add(url, description, event_type or None,
                         acting(operator, Permission.MANAGE_WEBHOOKS))
    _with_secret(made, as_json, "endpoint")


@app.command("list")
@reports_errors
def list_(as_json: bool = JSON_OPTION) -> None:
    """Every endpoint, oldest first."""
    from entrypoints.http.webhook_views import endpoint

    found = _manage().endpoints()
    if as_json:
        emit_json({"items": [endpoint(e) for e in found]})
        return
    emit_table("Webhook endpoints", ["id", "url", "types", "status", "created"],
               [(str(e.id), _plain(e.url), ", ".join(e.types) if e.types else "all", e.status.value,
                 e.created_at.strftime("%Y-%m-%d %H:%M")) for e in found])


@app.command()
@reports_errors
def disable(endpoint_id: str, operator: str = OPERATOR, as_json: bool = JSON_OPTION) -> None:
    """Stop sending to it (what it is owed waits, and is sent if it is enabled again)."""
    from entrypoints.http.webhook_views import endpoint

    changed = _manage().disable(_id(endpoint_id), acting(operator, Permission.MANAGE_WEBHOOKS))
    if as_json:
        emit_json(endpoint(changed))
    else:
        say(f"endpoint {changed.id} disabled")


@app.command()
@reports_errors
def enable(endpoint_id: str, operator: str = OPERATOR, as_json: bool = JSON_OPTION) -> None:
    """Send to it again, starting with what it is owed."""
    from entrypoints.http.webhook_views import endpoint

    changed = _manage().enable(_id(endpoint_id), acting(operator, Permission.MANAGE_WEBHOOKS))
    if as_json:
        emit_json(endpoint(changed))
    else:
        say(f"endpoint {changed.id} enabled")


@app.command("rotate-secret")
@reports_errors
def rotate_secret(endpoint_id: str, operator: str = OPERATOR,
                  as_json: bool = JSON_OPTION) -> None:
    """A new secret; the old one keeps signing too for VAANI_WEBHOOK_SECRET_OVERLAP_HOURS."""
    made = _manage().rotate_secret(_id(endpoint_id),
                                   acting(operator, Permission.MANAGE_WEBHOOKS))
    _with_secret(made, as_json, "new secret for endpoint")


@app.command()
@reports_errors
def replay(endpoint_id: str, operator: str = OPERATOR,
           delivery_id: str | None = typer.Option(None, "--delivery",
                                                  help="One delivery, any state."),
           dead: bool = typer.Option(False, "--dead", help="Every dead delivery."),
           as_json: bool = JSON_OPTION) -> None:
    """Owe a delivery again: sent at the next dispatch, in its customer's order."""
    count = _manage().replay(
        _id(endpoint_id), acting(operator, Permission.MANAGE_WEBHOOKS),
        delivery_id=id_of(delivery_id, WebhookNotFound, "delivery") if delivery_id else None,
        dead=dead)
    if as_json:
        emit_json({"replayed": count})
    else:
        say(f"{count} delivery(ies) owed again")


@app.command()
@reports_errors
def deliveries(endpoint_id: str,
               status: DeliveryStatus | None = typer.Option(None, "--status",
                                                            case_sensitive=False),
               limit: int = typer.Option(50, "--limit", min=1, max=100),
               as_json: bool = JSON_OPTION) -> None:
    """The endpoint's deliveries in event order (`--status dead`: the dead letters)."""
    from entrypoints.http.webhook_views import delivery

    found = _manage().deliveries(_id(endpoint_id), status=status, limit=limit)
    if as_json:
        emit_json({"items": [delivery(d) for d in found]})
        return
    emit_table("Deliveries", ["id", "event", "status", "tries", "last status", "last error"],
               [(str(d.id), d.event_sequence, d.status.value, d.tries,
                 d.last_status_code or "", _plain(d.last_error)) for d in found])


@app.command()
@reports_errors
def log(delivery_id: str, as_json: bool = JSON_OPTION) -> None:
    """The delivery log of one delivery: every try, its status code and latency."""
    from entrypoints.http.webhook_views import attempt

    found = _manage().attempts(id_of(delivery_id, WebhookNotFound, "delivery"))
    if as_json:
        emit_json({"items": [attempt(a) for a in found]})
        return
    emit_table("Tries", ["#", "at", "status", "ms", "error"],
               [(a.attempt, a.attempted_at.strftime("%Y-%m-%d %H:%M:%S"), a.status_code or "",
                 a.latency_ms, _plain(a.error)) for a in found])


def _plain(text: str | None) -> str:
    """Text from outside the bank for the terminal (a try's reason is mostly the receiver's own
    words; a URL may hold brackets): control characters dropped, so no escape sequence reaches
    the operator's terminal, and Rich markup escaped, so it shows as written."""
    from rich.markup import escape

    return escape("".join(c for c in text or "" if c.isprintable()))


def _id(text: str) -> UUID:
    return id_of(text, WebhookNotFound, "webhook endpoint")
