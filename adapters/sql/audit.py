"""The audit trail in SQL: appends serialise on the single audit_head row."""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterator
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql import mapping as m
from adapters.sql.prepared import Prepared
from adapters.sql.tables import audit_events, audit_head
from domain.audit import AuditEvent, seal

_HEAD_QUERY = sa.select(audit_head.c.last_sequence, audit_head.c.last_hash) \
    .where(audit_head.c.id == 1)
_HEAD = Prepared(_HEAD_QUERY)
_LOCK_HEAD = Prepared(_HEAD_QUERY.with_for_update())
_MOVE_HEAD = Prepared(audit_head.update().where(audit_head.c.id == 1).values(
    last_sequence=sa.bindparam("new_sequence"), last_hash=sa.bindparam("new_hash")))
_INSERT = Prepared(audit_events.insert(), column_keys=list(audit_events.c.keys()))


class SqlAudit:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = conn.dialect.name == "postgresql"
        self._pending: list[AuditEvent] = []

    def append(self, event: AuditEvent) -> None:
        # Kept until the unit of work commits (`place`): every writer appends, so on PostgreSQL
        # the chain's head is the one row all of them lock. Locked only at the end, it is every
        # transaction's last lock — no writer holds it while waiting for an account — and held
        # for the commit's round trip, not for the whole transaction.
        self._pending.append(event)

    def place(self) -> None:
        """Seal the pending events after the head and queue their rows: just before COMMIT."""
        if not self._pending:
            return
        # PostgreSQL: the row lock orders concurrent appenders; SQLite: the writer already owns
        # the database (BEGIN IMMEDIATE). Either way no two records get the same predecessor.
        head = (_LOCK_HEAD if self._lock else _HEAD).first(self._conn)
        assert head is not None, "audit_head is seeded by migration 0002"
        sequence, last_hash = head.last_sequence, head.last_hash
        for event in self._pending:
            sealed = seal(event, sequence + 1, last_hash)
            _INSERT.defer(self._conn, m.audit_row(sealed))
            sequence, last_hash = sealed.sequence, sealed.record_hash
        _MOVE_HEAD.defer(self._conn, {"new_sequence": sequence, "new_hash": last_hash})
        self._pending.clear()

    def discard(self) -> None:
        """The transaction rolls back: its events never happened."""
        self._pending.clear()

    def page(self, *, before: int | None, limit: int) -> list[AuditEvent]:
        query = sa.select(audit_events)
        if before is not None:
            query = query.where(audit_events.c.sequence < before)
        query = query.order_by(audit_events.c.sequence.desc()).limit(limit)
        return [m.to_audit(r) for r in self._conn.execute(query)]

    def all_in_order(self) -> Iterator[AuditEvent]:
        query = sa.select(audit_events).order_by(audit_events.c.sequence) \
            .execution_options(yield_per=1000)
        return (m.to_audit(r) for r in self._conn.execute(query))

    def recent_actions(self, customer_id: UUID, since: datetime,
                       actions: Collection[str]) -> list[str]:
        ordered = sorted(actions)
        prepared = _recent_actions(len(ordered))
        values: dict[str, object] = {f"a{i}": a for i, a in enumerate(ordered)}
        values.update(customer=customer_id, since=since)
        return [r.action for r in prepared.all(self._conn, values)]


@functools.cache
def _recent_actions(count: int) -> Prepared:
    """Asked on every transfer with the same list of security actions: prepared per length."""
    return Prepared(sa.select(audit_events.c.action).distinct().where(
        audit_events.c.customer_id == sa.bindparam("customer"),
        audit_events.c.occurred_at >= sa.bindparam("since"),
        audit_events.c.action.in_([sa.bindparam(f"a{i}") for i in range(count)])))
