"""Interest accruals and postings in SQL. Numerators (a balance times a rate in parts per
million) can pass BIGINT, so they are NUMERIC(38, 0), read back as exact integers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.tables import interest_accrual_days as days
from adapters.sql.tables import interest_accruals as accruals
from adapters.sql.tables import interest_postings as postings
from application.ports import DuplicateAccrualDay
from domain.interest import Accrual, InterestPosting


def _accrual(row: Any) -> Accrual:
    values = dict(row._mapping)
    values["numerator"] = int(values["numerator"])
    return Accrual(**values)


def _posting(row: Any) -> InterestPosting:
    values = dict(row._mapping)
    values["accrued"] = int(values["accrued"])
    return InterestPosting(**values)


class SqlInterest:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def day_accrued(self, day: date) -> bool:
        return self._conn.execute(sa.select(days.c.accrual_date).where(
            days.c.accrual_date == day)).first() is not None

    def mark_day(self, day: date, accounts: int, at: datetime) -> None:
        try:  # a run that lost the race ends its transaction: nothing of it is kept
            self._conn.execute(days.insert(), {"accrual_date": day, "accounts": accounts,
                                               "accrued_at": at})
        except sa.exc.IntegrityError as error:
            raise DuplicateAccrualDay(day.isoformat()) from error

    def add_accruals(self, found: Sequence[Accrual]) -> None:
        if found:
            self._conn.execute(accruals.insert(), [attrs.asdict(a) for a in found])

    def unposted(self, until: date, account_id: UUID | None = None) -> list[Accrual]:
        c = accruals.c
        query = sa.select(accruals).where(c.posted_month.is_(None), c.accrual_date < until)
        if account_id is not None:
            query = query.where(c.account_id == account_id)
        return [_accrual(r) for r in
                self._conn.execute(query.order_by(c.account_id, c.accrual_date))]

    def mark_posted(self, account_id: UUID, days: Sequence[date], month: str) -> None:
        c = accruals.c
        if days:
            self._conn.execute(accruals.update().where(
                c.account_id == account_id, c.posted_month.is_(None),
                c.accrual_date.in_(list(days))), {"posted_month": month})

    def posting(self, account_id: UUID, month: str) -> InterestPosting | None:
        row = self._conn.execute(sa.select(postings).where(
            postings.c.account_id == account_id, postings.c.month == month)).first()
        return _posting(row) if row else None

    def latest_posting(self, account_id: UUID) -> InterestPosting | None:
        row = self._conn.execute(sa.select(postings).where(postings.c.account_id == account_id)
                                 .order_by(postings.c.month.desc()).limit(1)).first()
        return _posting(row) if row else None

    def add_posting(self, posting: InterestPosting) -> None:
        self._conn.execute(postings.insert(), attrs.asdict(posting))

    def postings(self) -> Iterator[InterestPosting]:
        query = sa.select(postings).order_by(postings.c.account_id, postings.c.month) \
            .execution_options(yield_per=1000)
        return (_posting(r) for r in self._conn.execute(query))

    def posted_totals(self) -> Iterator[tuple[UUID, str, int]]:
        c = accruals.c
        query = sa.select(c.account_id, c.posted_month, sa.func.sum(c.numerator)) \
            .where(c.posted_month.is_not(None)).group_by(c.account_id, c.posted_month) \
            .order_by(c.account_id, c.posted_month).execution_options(yield_per=1000)
        return ((r[0], r[1], int(r[2])) for r in self._conn.execute(query))
