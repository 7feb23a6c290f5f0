"""The audit trail in SQL: appends serialise on the single audit_head row."""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterator
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.metrics import audit_taps
from adapters.sql import mapping as m
from adapters.sql.prepared import Prepared
from adapters.sql.tables import audit_events, audit_head
from application.ports import Later
from domain.audit import AuditEvent, AuditHead, canonical_parts, seal

_HEAD_QUERY = sa.select(audit_head.c.last_sequence, audit_head.c.last_hash) \
    .where(audit_head.c.id == 1)
_HEAD = Prepared(_HEAD_QUERY)
_MOVE_HEAD = Prepared(audit_head.update().where(audit_head.c.id == 1).values(
    last_sequence=sa.bindparam("new_sequence"), last_hash=sa.bindparam("new_hash"),
    previous_hash=sa.bindparam("new_previous_hash")))
_INSERT = Prepared(audit_events.insert(), column_keys=list(audit_events.c.keys()))


def _sealed_by_the_database() -> Prepared:
    """PostgreSQL: one statement moves the head and inserts the record after it, its hash
    computed by the server from the parts of its canonical form (`canonical_parts`), so
    `vaani audit verify` recomputes the very same bytes in Python. Sent with the COMMIT, the
    head's lock is held from this statement to the commit and no longer: no round trip to
    us, no wait for our GIL in between, and so the shortest queue of writers behind it
    (docs/benchmarks.md, "Figures once in docstrings")."""
    head = audit_head.c
    utf8 = sa.literal_column("'UTF8'", sa.Text)
    hexadecimal = sa.literal_column("'hex'", sa.Text)
    step = sa.cast(head.last_sequence + sa.literal_column("1"), sa.Text)
    canonical = sa.bindparam("before", type_=sa.LargeBinary) \
        .op("||")(sa.func.convert_to(head.last_hash, utf8)) \
        .op("||")(sa.bindparam("between", type_=sa.LargeBinary)) \
        .op("||")(sa.func.convert_to(step, utf8)) \
        .op("||")(sa.bindparam("closing", b"}", type_=sa.LargeBinary))
    moved = audit_head.update().where(head.id == sa.literal_column("1")).values(
        # SET reads the row as it was: the old hash becomes previous_hash.
        last_sequence=head.last_sequence + sa.literal_column("1"), previous_hash=head.last_hash,
        last_hash=sa.func.encode(sa.func.sha256(canonical), hexadecimal),
    ).returning(head.last_sequence, head.previous_hash, head.last_hash).cte("moved")
    chained = ("sequence", "previous_hash", "record_hash")
    fields = [c.key for c in audit_events.c if c.key not in chained]
    return Prepared(audit_events.insert().from_select(
        [*chained, *fields],
        sa.select(moved.c.last_sequence, moved.c.previous_hash, moved.c.last_hash,
                  *(sa.bindparam(f, type_=audit_events.c[f].type) for f in fields))))


_SEAL_AND_INSERT = _sealed_by_the_database()


class SqlAudit:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._server_seals = conn.dialect.name == "postgresql"
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
        audit_taps.sealed(self._pending)  # the process's metrics count them (adapters/metrics)
        if self._server_seals:
            # PostgreSQL: each statement takes the head's row lock (the first one waits for
            # it), so concurrent appenders are ordered and no two records share a predecessor.
            for event in self._pending:
                before, between = canonical_parts(event)
                _SEAL_AND_INSERT.defer(self._conn, {**m.audit_row(event), "before": before,
                                                    "between": between})
            self._pending.clear()
            return
        # SQLite: the writer already owns the database (BEGIN IMMEDIATE).
        head = _HEAD.first(self._conn)
        assert head is not None, "audit_head is seeded by migration 0002"
        sequence, last_hash, previous_hash = head.last_sequence, head.last_hash, None
        for event in self._pending:
            sealed = seal(event, sequence + 1, last_hash)
            _INSERT.defer(self._conn, m.audit_row(sealed))
            sequence, last_hash, previous_hash = sealed.sequence, sealed.record_hash, last_hash
        _MOVE_HEAD.defer(self._conn, {"new_sequence": sequence, "new_hash": last_hash,
                                      "new_previous_hash": previous_hash})
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

    def about(self, customer_id: UUID, *, after: int | None, limit: int) -> list[AuditEvent]:
        c = audit_events.c
        query = sa.select(audit_events).where(c.customer_id == customer_id)
        if after is not None:
            query = query.where(c.sequence > after)
        query = query.order_by(c.sequence).limit(limit)
        return [m.to_audit(r) for r in self._conn.execute(query)]

    def announced(self, actions: Collection[str], *, after: int | None, limit: int,
                  customer_id: UUID | None = None) -> list[AuditEvent]:
        c = audit_events.c
        query = sa.select(audit_events).where(c.action.in_(sorted(actions)))
        if customer_id is not None:  # ix_audit_events_customer_sequence
            query = query.where(c.customer_id == customer_id)
        if after is not None:
            query = query.where(c.sequence > after)
        query = query.order_by(c.sequence).limit(limit)
        return [m.to_audit(r) for r in self._conn.execute(query)]

    def all_in_order(self) -> Iterator[AuditEvent]:
        query = sa.select(audit_events).order_by(audit_events.c.sequence) \
            .execution_options(yield_per=1000)
        return (m.to_audit(r) for r in self._conn.execute(query))

    def recorded(self, actions: Collection[str]) -> Iterator[AuditEvent]:
        # Byte order ("C"), not the database's locale: the caller merges by it in Python.
        resource: sa.ColumnElement[str] = audit_events.c.resource
        if self._conn.dialect.name == "postgresql":
            resource = resource.collate("C")
        query = sa.select(audit_events).where(audit_events.c.action.in_(sorted(actions))) \
            .order_by(resource, audit_events.c.sequence).execution_options(yield_per=1000)
        return (m.to_audit(r) for r in self._conn.execute(query))

    def head(self) -> AuditHead:
        row = _HEAD.first(self._conn)
        assert row is not None, "audit_head is seeded by migration 0002"
        return AuditHead(row.last_sequence, row.last_hash)

    def ask_recent_actions(self, customer_id: UUID, since: datetime,
                           actions: Collection[str]) -> Later[list[str]]:
        ordered = sorted(actions)
        prepared = _recent_actions(len(ordered), self._conn.dialect.name == "postgresql")
        values: dict[str, object] = {f"a{i}": a for i, a in enumerate(ordered)}
        values.update(customer=customer_id, since=since)
        rows = prepared.ask(self._conn, values)
        return lambda: [r.action for r in rows()]


@functools.cache
def _recent_actions(count: int, probes: bool) -> Prepared:
    """Asked on every transfer with the same list of security actions: prepared per length.
    On PostgreSQL (`probes`) one probe of the (customer, action, time) index per action, each
    stopping at its first row: as one WHERE with an IN, its plan could leave the action out of
    the index condition and read every event of the customer's day (a busy payer's thousands
    of payments, on each of their payments). SQLite seeks the index once per IN value anyway,
    and seven subqueries would only add work to every transfer."""
    if not probes:
        return Prepared(sa.select(audit_events.c.action).distinct().where(
            audit_events.c.customer_id == sa.bindparam("customer"),
            audit_events.c.occurred_at >= sa.bindparam("since"),
            audit_events.c.action.in_([sa.bindparam(f"a{i}") for i in range(count)])))

    def probe(i: int) -> sa.Select[tuple[str]]:
        found = sa.select(audit_events.c.action).where(
            audit_events.c.customer_id == sa.bindparam("customer"),
            audit_events.c.action == sa.bindparam(f"a{i}"),
            audit_events.c.occurred_at >= sa.bindparam("since")).limit(1).subquery()
        return sa.select(found.c.action)
    return Prepared(sa.union_all(*(probe(i) for i in range(count))))
