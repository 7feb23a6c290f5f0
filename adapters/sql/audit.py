"""The audit trail in SQL: appends serialise on the single audit_head row."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql import mapping as m
from adapters.sql.tables import audit_events, audit_head
from domain.audit import AuditEvent, seal

_HEAD = sa.select(audit_head.c.last_sequence, audit_head.c.last_hash).where(audit_head.c.id == 1)
_LOCK_HEAD = _HEAD.with_for_update()
_MOVE_HEAD = audit_head.update().where(audit_head.c.id == 1).values(
    last_sequence=sa.bindparam("new_sequence"), last_hash=sa.bindparam("new_hash"))
_INSERT = audit_events.insert()


class SqlAudit:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = conn.dialect.name == "postgresql"

    def append(self, event: AuditEvent) -> AuditEvent:
        # PostgreSQL: the row lock orders concurrent appenders; SQLite: the writer already owns
        # the database (BEGIN IMMEDIATE). Either way no two records get the same predecessor.
        sequence, last_hash = self._conn.execute(_LOCK_HEAD if self._lock else _HEAD).one()
        sealed = seal(event, sequence + 1, last_hash)
        self._conn.execute(_INSERT, m.audit_row(sealed))
        self._conn.execute(_MOVE_HEAD, {"new_sequence": sealed.sequence,
                                        "new_hash": sealed.record_hash})
        return sealed

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
        query = sa.select(audit_events.c.action).distinct().where(
            audit_events.c.customer_id == customer_id, audit_events.c.occurred_at >= since,
            audit_events.c.action.in_(sorted(actions)))
        return list(self._conn.execute(query).scalars())
