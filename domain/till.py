"""A teller's till: the cash each teller took in and paid out on a business day (in the bank's
time zone), kept beside the postings so the day can be closed against the ledger."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime, tzinfo
from uuid import UUID

import attrs

from domain.money import Money


class CashKind(enum.StrEnum):
    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"


@attrs.frozen
class TillEntry:
    transfer_id: UUID
    teller_id: UUID
    business_date: date
    kind: CashKind
    amount: Money
    recorded_at: datetime


@attrs.frozen
class TillClosing:
    """A teller's day, closed: no more cash moves through their till on that date."""

    teller_id: UUID
    business_date: date
    closed_at: datetime
    closed_by: UUID | None  # None: the CLI's operator (the audit names the OS account)


@attrs.frozen
class BusinessCalendar:
    """Which business day a moment falls on: the bank's, not the server's."""

    zone: tzinfo

    def day_of(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


@attrs.frozen
class TillTotals:
    """What one teller's till took in and paid out in one currency on one day."""

    teller_id: UUID
    business_date: date
    currency: str
    deposits: int
    deposited: Money
    withdrawals: int
    withdrawn: Money
    # What posted reversals took back of these movements: a deposit keyed into the wrong
    # account and reversed was cash taken in once, not twice once it is keyed again.
    deposits_reversed: Money
    withdrawals_reversed: Money

    @property
    def net(self) -> Money:
        """The cash the till should hold more (or less) than it opened with."""
        return self.deposited - self.deposits_reversed - self.withdrawn \
            + self.withdrawals_reversed


def totals(entries: Iterable[TillEntry],
           reversed_amounts: Mapping[UUID, Money] | None = None) -> list[TillTotals]:
    """Per teller and currency, in a stable order; `reversed_amounts`: what posted reversals
    took back of an entry's transfer, by transfer."""
    taken_back = reversed_amounts or {}
    grouped: dict[tuple[UUID, date, str], list[TillEntry]] = {}
    for entry in entries:
        key = (entry.teller_id, entry.business_date, entry.amount.currency)
        grouped.setdefault(key, []).append(entry)
    found = []
    for (teller, day, currency), group in sorted(grouped.items(), key=lambda kv: str(kv[0])):
        ins = [e.amount for e in group if e.kind is CashKind.DEPOSIT]
        outs = [e.amount for e in group if e.kind is CashKind.WITHDRAWAL]
        zero = Money.zero(currency)
        back = {kind: sum((taken_back[e.transfer_id] for e in group
                           if e.kind is kind and e.transfer_id in taken_back), zero)
                for kind in CashKind}
        found.append(TillTotals(teller, day, currency, len(ins), sum(ins, zero), len(outs),
                                sum(outs, zero), back[CashKind.DEPOSIT],
                                back[CashKind.WITHDRAWAL]))
    return found
