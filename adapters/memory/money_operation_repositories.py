"""Reversals, disputes, tills and interest over the memory store. Writers hold the store's
writer lock for their whole transaction, so a lock is a read and a taken key is found before
it is stored twice."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from uuid import UUID

import attrs

from adapters.memory.staged import Staged
from adapters.memory.store import MemoryStore
from domain.dispute import Dispute, DisputeStatus
from domain.interest import Accrual, InterestPosting
from domain.reversal import Reversal, ReversalStatus
from domain.till import TillClosing, TillEntry


class MemoryReversals:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def _all(self) -> list[Reversal]:
        with self._store.state:
            return list({**self._store.reversals, **self._staged.reversals}.values())

    def add(self, reversal: Reversal) -> None:
        self._staged.reversals[reversal.id] = reversal

    update = add

    def get(self, reversal_id: UUID) -> Reversal | None:
        with self._store.state:
            return self._staged.reversals.get(reversal_id) or self._store.reversals.get(reversal_id)

    lock = get

    def by_key(self, proposed_by: UUID, key: str) -> Reversal | None:
        return next((r for r in self._all()
                     if (r.proposed_by, r.idempotency_key) == (proposed_by, key)), None)

    def of_transfer(self, transfer_id: UUID) -> list[Reversal]:
        return sorted((r for r in self._all() if r.transfer_id == transfer_id),
                      key=lambda r: (r.proposed_at, r.id))

    def by_compensating_transfer(self, transfer_id: UUID) -> Reversal | None:
        return next((r for r in self._all() if r.reversal_transfer_id == transfer_id), None)

    def page(self, *, status: ReversalStatus | None, now: datetime,
             after: tuple[datetime, UUID] | None, limit: int) -> list[Reversal]:
        found = [r for r in self._all() if (status is None or r.status_at(now) is status)
                 and (after is None or (r.proposed_at, r.id) < after)]
        return sorted(found, key=lambda r: (r.proposed_at, r.id), reverse=True)[:limit]

    def posted(self) -> Iterator[Reversal]:
        return iter(sorted((r for r in self._all() if r.status is ReversalStatus.POSTED),
                           key=lambda r: r.transfer_id))


class MemoryDisputes:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def _all(self) -> list[Dispute]:
        with self._store.state:
            return list({**self._store.disputes, **self._staged.disputes}.values())

    def add(self, dispute: Dispute) -> None:
        self._staged.disputes[dispute.id] = dispute

    update = add

    def get(self, dispute_id: UUID) -> Dispute | None:
        with self._store.state:
            return self._staged.disputes.get(dispute_id) or self._store.disputes.get(dispute_id)

    lock = get

    def by_transfer(self, transfer_id: UUID) -> Dispute | None:
        return next((d for d in self._all() if d.transfer_id == transfer_id), None)

    def of_customer(self, customer_id: UUID, limit: int) -> list[Dispute]:
        mine = [d for d in self._all() if d.customer_id == customer_id]
        return sorted(mine, key=lambda d: (d.opened_at, d.id), reverse=True)[:limit]

    def page(self, *, status: DisputeStatus | None, overdue_at: datetime | None,
             after: tuple[datetime, UUID] | None, limit: int) -> list[Dispute]:
        found = [d for d in self._all() if (status is None or d.status is status)
                 and (overdue_at is None or d.overdue(overdue_at))
                 and (after is None or (d.due_by, d.id) > after)]
        return sorted(found, key=lambda d: (d.due_by, d.id))[:limit]


class MemoryTills:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def add(self, entry: TillEntry) -> None:
        self._staged.till_entries[entry.transfer_id] = entry

    def of_day(self, business_date: date, teller_id: UUID | None = None) -> list[TillEntry]:
        with self._store.state:
            merged = {**self._store.till_entries, **self._staged.till_entries}
        return sorted((e for e in merged.values() if e.business_date == business_date
                       and (teller_id is None or e.teller_id == teller_id)),
                      key=lambda e: e.recorded_at)

    def closing(self, teller_id: UUID, business_date: date) -> TillClosing | None:
        key = (teller_id, business_date)
        with self._store.state:
            return self._staged.till_closings.get(key) or self._store.till_closings.get(key)

    def close(self, closing: TillClosing) -> None:
        self._staged.till_closings[(closing.teller_id, closing.business_date)] = closing

    def take_turn(self, teller_id: UUID, business_date: date) -> None:
        """Writers hold the store's writer lock for their whole transaction already."""


class MemoryInterest:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def _accruals(self) -> dict[tuple[UUID, date], Accrual]:
        with self._store.state:
            return {**self._store.accruals, **self._staged.accruals}

    def _postings(self) -> dict[tuple[UUID, str], InterestPosting]:
        with self._store.state:
            return {**self._store.interest_postings, **self._staged.interest_postings}

    def day_accrued(self, day: date) -> bool:
        with self._store.state:
            return day in self._store.accrual_days or day in self._staged.accrual_days

    def mark_day(self, day: date, accounts: int, at: datetime) -> None:
        self._staged.accrual_days[day] = accounts  # the writer's lock: checked just before

    def add_accruals(self, found: Sequence[Accrual]) -> None:
        for accrual in found:
            self._staged.accruals[(accrual.account_id, accrual.accrual_date)] = accrual

    def unposted(self, until: date, account_id: UUID | None = None) -> list[Accrual]:
        return sorted((a for a in self._accruals().values() if a.posted_month is None
                       and a.accrual_date < until
                       and (account_id is None or a.account_id == account_id)),
                      key=lambda a: (a.account_id, a.accrual_date))

    def mark_posted(self, account_id: UUID, days: Sequence[date], month: str) -> None:
        accruals = self._accruals()
        for day in days:
            accrual = accruals.get((account_id, day))
            if accrual is not None and accrual.posted_month is None:
                self._staged.accruals[(account_id, day)] = attrs.evolve(accrual,
                                                                        posted_month=month)

    def posting(self, account_id: UUID, month: str) -> InterestPosting | None:
        return self._postings().get((account_id, month))

    def latest_posting(self, account_id: UUID) -> InterestPosting | None:
        mine = [p for p in self._postings().values() if p.account_id == account_id]
        return max(mine, key=lambda p: p.month, default=None)

    def add_posting(self, posting: InterestPosting) -> None:
        self._staged.interest_postings[(posting.account_id, posting.month)] = posting

    def postings(self) -> Iterator[InterestPosting]:
        return iter(sorted(self._postings().values(), key=lambda p: (p.account_id, p.month)))

    def posted_totals(self) -> Iterator[tuple[UUID, str, int]]:
        totals: dict[tuple[UUID, str], int] = {}
        for accrual in self._accruals().values():
            if accrual.posted_month is not None:
                key = (accrual.account_id, accrual.posted_month)
                totals[key] = totals.get(key, 0) + accrual.numerator
        return ((account, month, total) for (account, month), total in sorted(totals.items()))
