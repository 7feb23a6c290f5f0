"""Reversals in SQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.tables import reversals
from application.ports import DuplicateProposal
from domain.money import Money
from domain.reversal import Reversal, ReversalStatus

_PENDING = ReversalStatus.PENDING_APPROVAL.value


def _row(r: Reversal) -> dict[str, Any]:
    row = attrs.asdict(r, recurse=False)
    row.update(amount=r.amount.minor, currency=r.amount.currency, status=r.status.value)
    return row


def _reversal(row: Any) -> Reversal:
    values = dict(row._mapping)
    values.update(amount=Money(values["amount"], values.pop("currency")),
                  status=ReversalStatus(values["status"]))
    return Reversal(**values)


class SqlReversals:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, reversal: Reversal) -> None:
        try:  # a taken key ends the transaction: the caller replays in a fresh one
            self._conn.execute(reversals.insert(), _row(reversal))
        except sa.exc.IntegrityError as error:
            if "proposer_key" in str(error.orig) or "idempotency_key" in str(error.orig):
                raise DuplicateProposal(reversal.idempotency_key) from error
            raise

    def update(self, reversal: Reversal) -> None:
        self._conn.execute(reversals.update().where(reversals.c.id == reversal.id),
                           _row(reversal))

    def get(self, reversal_id: UUID) -> Reversal | None:
        return self._one(sa.select(reversals).where(reversals.c.id == reversal_id))

    def lock(self, reversal_id: UUID) -> Reversal | None:
        query = sa.select(reversals).where(reversals.c.id == reversal_id)
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update()  # SQLite's writer is alone already
        return self._one(query)

    def by_key(self, proposed_by: UUID, key: str) -> Reversal | None:
        return self._one(sa.select(reversals).where(reversals.c.proposed_by == proposed_by,
                                                     reversals.c.idempotency_key == key))

    def of_transfer(self, transfer_id: UUID) -> list[Reversal]:
        query = sa.select(reversals).where(reversals.c.transfer_id == transfer_id) \
            .order_by(reversals.c.proposed_at, reversals.c.id)
        return [_reversal(r) for r in self._conn.execute(query)]

    def by_compensating_transfer(self, transfer_id: UUID) -> Reversal | None:
        return self._one(sa.select(reversals).where(
            reversals.c.reversal_transfer_id == transfer_id))

    def page(self, *, status: ReversalStatus | None, now: datetime,
             after: tuple[datetime, UUID] | None, limit: int) -> list[Reversal]:
        c = reversals.c
        query = sa.select(reversals)
        if status is ReversalStatus.PENDING_APPROVAL:
            query = query.where(c.status == _PENDING, c.expires_at > now)
        elif status is ReversalStatus.EXPIRED:
            query = query.where(sa.or_(c.status == status.value,
                                       sa.and_(c.status == _PENDING, c.expires_at <= now)))
        elif status is not None:
            query = query.where(c.status == status.value)
        if after is not None:
            moment, last = after
            query = query.where(sa.or_(c.proposed_at < moment,
                                       sa.and_(c.proposed_at == moment, c.id < last)))
        query = query.order_by(c.proposed_at.desc(), c.id.desc()).limit(limit)
        return [_reversal(r) for r in self._conn.execute(query)]

    def posted(self) -> Iterator[Reversal]:
        query = sa.select(reversals).where(reversals.c.status == ReversalStatus.POSTED.value) \
            .order_by(reversals.c.transfer_id).execution_options(yield_per=1000)
        return (_reversal(r) for r in self._conn.execute(query))

    def _one(self, query: Any) -> Reversal | None:
        row = self._conn.execute(query).first()
        return _reversal(row) if row else None
