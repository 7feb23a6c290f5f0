"""The query behind a search of transfers (TransferQuery): a customer's own by
ix_transfers_customer_created, everyone's by ix_transfers_created, a reference by its unique
index; newest first, resuming after the last (created_at, id) a page gave."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sql.tables import transfers
from domain.transfer import TransferQuery


def search_query(query: TransferQuery) -> sa.Select[tuple[object, ...]]:
    c = transfers.c
    conditions: list[sa.ColumnElement[bool]] = []
    if query.customer_id is not None:
        conditions.append(c.customer_id == query.customer_id)
    if query.reference is not None:
        conditions.append(c.reference == query.reference)
    if query.since is not None:
        conditions.append(c.created_at >= query.since)
    if query.until is not None:
        conditions.append(c.created_at < query.until)
    if query.status is not None:
        conditions.append(c.status == query.status.value)
    if query.least is not None:
        conditions.append(c.amount >= query.least.minor)
    if query.most is not None:
        conditions.append(c.amount <= query.most.minor)
    if query.after is not None:
        moment, last = query.after
        conditions.append(sa.or_(c.created_at < moment,
                                 sa.and_(c.created_at == moment, c.id < last)))
    return sa.select(transfers).where(*conditions) \
        .order_by(c.created_at.desc(), c.id.desc()).limit(query.limit)
