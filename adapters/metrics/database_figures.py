"""The bank's figures a scrape reads from the database itself: the same whichever worker
answers, and right after a restart. Each query reads an index's range, not a table."""

from __future__ import annotations

from datetime import datetime

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.tables import (
    audit_events,
    audit_head,
    event_consumers,
    transfers,
    webhook_deliveries,
    webhook_endpoints,
)
from domain.transfer import TransferStatus
from domain.webhook import DeliveryStatus, EndpointStatus

HOLDING = sorted(s.value for s in TransferStatus if s.holds_funds)


@attrs.frozen
class Held:
    status: str  # challenge_required | pending_review
    currency: str
    transfers: int
    minor: int  # the amounts' sum in the currency's minor units


@attrs.frozen
class DatabaseFigures:
    held: list[Held]
    deliveries: dict[str, int]  # webhook deliveries owed (pending) or given up (dead)
    oldest_pending_event: datetime | None  # when the oldest event still owed happened
    # Audit records the trail holds that a consumer has not read yet: "webhooks" (the
    # furthest-behind active endpoint's fan-out) and each internal consumer (the alerts).
    behind: dict[str, int]


def read_figures(conn: Connection) -> DatabaseFigures:
    t, d = transfers.c, webhook_deliveries.c
    held = [Held(r.status, r.currency, int(r.n), int(r.minor or 0)) for r in conn.execute(
        sa.select(t.status, t.currency, sa.func.count().label("n"),
                  sa.func.sum(t.amount).label("minor"))
        .where(t.status.in_(HOLDING)).group_by(t.status, t.currency))]  # ix_transfers_status_hold
    deliveries = {status: 0 for status in (DeliveryStatus.PENDING, DeliveryStatus.DEAD)}
    deliveries.update({r.status: int(r.n) for r in conn.execute(
        sa.select(d.status, sa.func.count().label("n"))
        .where(d.status.in_(list(deliveries))).group_by(d.status))})  # ix_webhook_deliveries_due
    oldest = conn.execute(sa.select(audit_events.c.occurred_at).where(
        audit_events.c.sequence == sa.select(sa.func.min(d.event_sequence))
        .where(d.status == DeliveryStatus.PENDING).scalar_subquery())).scalar()
    return DatabaseFigures(held, {str(k): v for k, v in deliveries.items()}, oldest,
                           _behind(conn))


def _behind(conn: Connection) -> dict[str, int]:
    head = conn.execute(sa.select(audit_head.c.last_sequence)
                        .where(audit_head.c.id == 1)).scalar() or 0
    fanned = conn.execute(sa.select(sa.func.min(webhook_endpoints.c.position)).where(
        webhook_endpoints.c.status == EndpointStatus.ACTIVE)).scalar()
    behind = {"webhooks": max(0, head - fanned) if fanned is not None else 0}
    for name, position in conn.execute(sa.select(event_consumers.c.name,
                                                 event_consumers.c.position)):
        behind[str(name)] = max(0, head - int(position))
    return behind
