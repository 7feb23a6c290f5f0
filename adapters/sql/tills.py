"""Tellers' tills in SQL."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.postgres.advisory_locks import take_turn
from adapters.sql.tables import till_closings, till_entries
from domain.money import Money
from domain.till import CashKind, TillClosing, TillEntry


def _entry(row: Any) -> TillEntry:
    return TillEntry(row.transfer_id, row.teller_id, row.business_date, CashKind(row.kind),
                     Money(row.amount, row.currency), row.recorded_at)


class SqlTills:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, entry: TillEntry) -> None:
        self._conn.execute(till_entries.insert(), {
            "transfer_id": entry.transfer_id, "teller_id": entry.teller_id,
            "business_date": entry.business_date, "kind": entry.kind.value,
            "amount": entry.amount.minor, "currency": entry.amount.currency,
            "recorded_at": entry.recorded_at})

    def of_day(self, business_date: date, teller_id: UUID | None = None) -> list[TillEntry]:
        c = till_entries.c
        query = sa.select(till_entries).where(c.business_date == business_date)
        if teller_id is not None:
            query = query.where(c.teller_id == teller_id)
        return [_entry(r) for r in self._conn.execute(query.order_by(c.recorded_at))]

    def closing(self, teller_id: UUID, business_date: date) -> TillClosing | None:
        c = till_closings.c
        row = self._conn.execute(sa.select(till_closings).where(
            c.teller_id == teller_id, c.business_date == business_date)).first()
        return TillClosing(**dict(row._mapping)) if row else None

    def close(self, closing: TillClosing) -> None:
        self._conn.execute(till_closings.insert(), {
            "teller_id": closing.teller_id, "business_date": closing.business_date,
            "closed_at": closing.closed_at, "closed_by": closing.closed_by})

    def take_turn(self, teller_id: UUID, business_date: date) -> None:
        # SQLite's writers take turns already: the whole database is the writer's.
        take_turn(self._conn, f"till:{teller_id}:{business_date.isoformat()}")
