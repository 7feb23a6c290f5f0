"""Repositories of the money operations that correct, schedule and count postings: reversals,
disputes, standing orders, tellers' tills and interest."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from domain.dispute import Dispute, DisputeStatus
from domain.interest import Accrual, InterestPosting
from domain.reversal import Reversal, ReversalStatus
from domain.standing_order import Occurrence, StandingOrder
from domain.till import TillClosing, TillEntry


class DuplicateDispute(Exception):
    """The transfer already has a dispute (another transaction stored it first)."""


class DuplicateProposal(Exception):
    """The operator already proposed a reversal under this idempotency key (it committed first)."""


class ReversalRepository(Protocol):
    """Proposed and decided reversals; a transfer's reversals found by the original's id."""

    def add(self, reversal: Reversal) -> None:
        """Raises DuplicateProposal when the proposer's idempotency key is taken."""
    def update(self, reversal: Reversal) -> None: ...
    def get(self, reversal_id: UUID) -> Reversal | None: ...
    def lock(self, reversal_id: UUID) -> Reversal | None:
        """`get`, held until the transaction ends: one decision per proposal, never two."""
    def by_key(self, proposed_by: UUID, key: str) -> Reversal | None: ...
    def of_transfer(self, transfer_id: UUID) -> list[Reversal]:
        """Every reversal of the original transfer, oldest first, whatever its status."""
    def by_compensating_transfer(self, transfer_id: UUID) -> Reversal | None:
        """The reversal whose posting is this transfer, if it is one."""
    def page(self, *, status: ReversalStatus | None, now: datetime,
             after: tuple[datetime, UUID] | None, limit: int) -> list[Reversal]:
        """Newest proposals first (proposed_at, then id), after the position `after` a page
        ended on; `status` as of `now` (a pending
        proposal past its expiry counts as expired)."""
    def posted(self) -> Iterator[Reversal]:
        """Every posted reversal (streamed): what `vaani ledger verify` holds to the ledger."""


class DisputeRepository(Protocol):
    """Disputes: at most one per transfer; found by customer, by status, by their refund."""

    def add(self, dispute: Dispute) -> None:
        """Raises DuplicateDispute when the transfer already has one."""
    def update(self, dispute: Dispute) -> None: ...
    def get(self, dispute_id: UUID) -> Dispute | None: ...
    def lock(self, dispute_id: UUID) -> Dispute | None:
        """`get`, held until the transaction ends: one operator's step at a time."""
    def by_transfer(self, transfer_id: UUID) -> Dispute | None: ...
    def of_customer(self, customer_id: UUID, limit: int) -> list[Dispute]:
        """The customer's disputes, newest first."""
    def page(self, *, status: DisputeStatus | None, overdue_at: datetime | None,
             after: tuple[datetime, UUID] | None, limit: int) -> list[Dispute]:
        """Soonest deadline first (due_by, then id: the operators' queue), after the position
        `after` a page ended on;
        only cases unresolved past their deadline at `overdue_at` if given."""


class StandingOrderRepository(Protocol):
    """Standing orders and their occurrences (one row per order and due moment)."""

    def add(self, order: StandingOrder) -> None: ...
    def update(self, order: StandingOrder) -> None: ...
    def get(self, order_id: UUID) -> StandingOrder | None: ...
    def lock(self, order_id: UUID) -> StandingOrder | None: ...
    def of_customer(self, customer_id: UUID) -> list[StandingOrder]:
        """The customer's orders, newest first."""
    def by_key(self, customer_id: UUID, idempotency_key: str) -> StandingOrder | None:
        """The order the customer placed under that Idempotency-Key."""
    def due(self, now: datetime, limit: int) -> list[StandingOrder]:
        """Active orders whose next occurrence is due by `now`, soonest first."""
    def claim(self, order_ids: Sequence[UUID]) -> list[StandingOrder]:
        """Those of them no other runner holds, held until the transaction ends."""
    def add_occurrence(self, occurrence: Occurrence) -> bool:
        """False when the order already has an occurrence at that moment."""
    def update_occurrence(self, occurrence: Occurrence) -> None: ...
    def attemptable(self, now: datetime, limit: int) -> list[Occurrence]:
        """Occurrences due or retrying whose next attempt is due by `now`, soonest first."""
    def claim_occurrence(self, order_id: UUID, due_at: datetime) -> Occurrence | None:
        """The occurrence, held until the transaction ends; None if another runner holds it."""
    def occurrences(self, order_id: UUID, limit: int) -> list[Occurrence]:
        """The order's occurrences, newest first."""
    def unsettled(self, order_id: UUID) -> list[Occurrence]:
        """The order's occurrences still due or retrying (a payment may yet be tried)."""


class TillRepository(Protocol):
    """Tellers' cash movements by business day, and the days they closed."""

    def add(self, entry: TillEntry) -> None: ...
    def of_day(self, business_date: date, teller_id: UUID | None = None) -> list[TillEntry]:
        """The day's entries, of one teller or of all."""
    def closing(self, teller_id: UUID, business_date: date) -> TillClosing | None: ...
    def close(self, closing: TillClosing) -> None: ...
    def take_turn(self, teller_id: UUID, business_date: date) -> None:
        """Hold the teller's till of the day until the transaction ends: a close and a cash
        movement through the same till take turns, so neither misses the other."""


class DuplicateAccrualDay(Exception):
    """The day's interest was accrued by another run that committed first."""


class InterestRepository(Protocol):
    """Daily accruals and monthly postings of interest, and the days accrued."""

    def day_accrued(self, day: date) -> bool: ...
    def mark_day(self, day: date, accounts: int, at: datetime) -> None:
        """Raises DuplicateAccrualDay when the day is marked already."""
    def add_accruals(self, accruals: Sequence[Accrual]) -> None: ...
    def unposted(self, until: date, account_id: UUID | None = None) -> list[Accrual]:
        """Accruals dated before `until` not yet posted (of one account, or of all), by account
        then date: a month's posting takes every one of them, late or left behind."""
    def mark_posted(self, account_id: UUID, days: Sequence[date], month: str) -> None:
        """Mark exactly these days of the account posted as `month`: an accrual committed
        after they were read stays for the next posting."""
    def posting(self, account_id: UUID, month: str) -> InterestPosting | None: ...
    def latest_posting(self, account_id: UUID) -> InterestPosting | None:
        """The account's posting of the latest month (its carry): months are posted in order."""
    def add_posting(self, posting: InterestPosting) -> None: ...
    def postings(self) -> Iterator[InterestPosting]:
        """Every posting, by account then month (streamed): for `vaani ledger verify`."""
    def posted_totals(self) -> Iterator[tuple[UUID, str, int]]:
        """(account, month, sum of its accruals posted as that month), by account then month
        (streamed): every accrual marked posted must belong to a posting that paid it."""
