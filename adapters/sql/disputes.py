"""Disputes in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.tables import disputes
from application.ports import DuplicateDispute
from domain.dispute import Dispute, DisputeReason, DisputeStatus

_RESOLVED = [DisputeStatus.RESOLVED_REFUNDED.value, DisputeStatus.RESOLVED_REJECTED.value]


def _row(d: Dispute) -> dict[str, Any]:
    row = attrs.asdict(d, recurse=False)
    row.update(reason=d.reason.value, status=d.status.value)
    return row


def _dispute(row: Any) -> Dispute:
    values = dict(row._mapping)
    values.update(reason=DisputeReason(values["reason"]), status=DisputeStatus(values["status"]))
    return Dispute(**values)


class SqlDisputes:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, dispute: Dispute) -> None:
        try:  # a transfer disputed twice at once ends this transaction: the caller says so
            self._conn.execute(disputes.insert(), _row(dispute))
        except sa.exc.IntegrityError as error:
            if "transfer_id" in str(error.orig):
                raise DuplicateDispute(str(dispute.transfer_id)) from error
            raise

    def update(self, dispute: Dispute) -> None:
        self._conn.execute(disputes.update().where(disputes.c.id == dispute.id), _row(dispute))

    def get(self, dispute_id: UUID) -> Dispute | None:
        return self._one(sa.select(disputes).where(disputes.c.id == dispute_id))

    def lock(self, dispute_id: UUID) -> Dispute | None:
        query = sa.select(disputes).where(disputes.c.id == dispute_id)
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update()  # SQLite's writer is alone already
        return self._one(query)

    def by_transfer(self, transfer_id: UUID) -> Dispute | None:
        return self._one(sa.select(disputes).where(disputes.c.transfer_id == transfer_id))

    def of_customer(self, customer_id: UUID, limit: int) -> list[Dispute]:
        query = sa.select(disputes).where(disputes.c.customer_id == customer_id) \
            .order_by(disputes.c.opened_at.desc(), disputes.c.id.desc()).limit(limit)
        return [_dispute(r) for r in self._conn.execute(query)]

    def page(self, *, status: DisputeStatus | None, overdue_at: datetime | None,
             after: tuple[datetime, UUID] | None, limit: int) -> list[Dispute]:
        c = disputes.c
        query = sa.select(disputes)
        if status is not None:
            query = query.where(c.status == status.value)
        if overdue_at is not None:
            query = query.where(c.status.not_in(_RESOLVED), c.due_by < overdue_at)
        if after is not None:
            moment, last = after
            query = query.where(sa.or_(c.due_by > moment,
                                       sa.and_(c.due_by == moment, c.id > last)))
        query = query.order_by(c.due_by, c.id).limit(limit)
        return [_dispute(r) for r in self._conn.execute(query)]

    def _one(self, query: Any) -> Dispute | None:
        row = self._conn.execute(query).first()
        return _dispute(row) if row else None
