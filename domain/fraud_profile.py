"""Behaviour profiles for fraud scoring, kept up to date one posted transfer at a time, so an
assessment never scans the history."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta
from uuid import UUID

import attrs

RECENT_AMOUNTS = 100
RECENT_WINDOW = timedelta(hours=24)
MAX_COUNTERPARTIES = 500


@attrs.define(eq=False)
class CustomerProfile:
    customer_id: UUID
    transfers: int = 0
    recent_amounts: list[int] = attrs.Factory(list)  # minor units, newest last
    recent_times: list[float] = attrs.Factory(list)  # epoch seconds within the last 24 h
    recent_sums: list[int] = attrs.Factory(list)  # amounts paired with recent_times
    hours: list[int] = attrs.Factory(lambda: [0] * 24)  # UTC hour of day histogram
    day: str = ""
    day_totals: dict[str, int] = attrs.Factory(dict)  # "account_type:channel" -> minor units
    counterparties: dict[str, int] = attrs.Factory(dict)  # counterparty -> payments

    def median_and_mad(self) -> tuple[float, float] | None:
        if len(self.recent_amounts) < 5:
            return None
        median = statistics.median(self.recent_amounts)
        mad = statistics.median(abs(a - median) for a in self.recent_amounts)
        return float(median), float(mad)

    def window(self, now: datetime, span: timedelta) -> tuple[int, int]:
        """(count, sum) of this customer's transfers in the last `span`."""
        since = (now - span).timestamp()
        pairs = [(t, a) for t, a in zip(self.recent_times, self.recent_sums, strict=True)
                 if t >= since]
        return len(pairs), sum(a for _, a in pairs)

    def spent_today(self, now: datetime, bucket: str) -> int:
        return self.day_totals.get(bucket, 0) if self.day == now.date().isoformat() else 0

    def hour_share(self, hour: int) -> float:
        return self.hours[hour] / self.transfers if self.transfers else 0.0

    def observe(self, amount: int, now: datetime, counterparty: str, bucket: str) -> None:
        """Fold one posted transfer into the profile."""
        self.transfers += 1
        self.recent_amounts = [*self.recent_amounts, amount][-RECENT_AMOUNTS:]
        cutoff = (now - RECENT_WINDOW).timestamp()
        pairs = [(t, a) for t, a in zip(self.recent_times, self.recent_sums, strict=True)
                 if t >= cutoff] + [(now.timestamp(), amount)]
        self.recent_times = [t for t, _ in pairs]
        self.recent_sums = [a for _, a in pairs]
        self.hours[now.hour] += 1
        today = now.date().isoformat()
        if self.day != today:
            self.day, self.day_totals = today, {}
        self.day_totals[bucket] = self.day_totals.get(bucket, 0) + amount
        self.counterparties[counterparty] = self.counterparties.get(counterparty, 0) + 1
        if len(self.counterparties) > MAX_COUNTERPARTIES:  # forget the least used
            least = min(self.counterparties, key=self.counterparties.__getitem__)
            del self.counterparties[least]


@attrs.define(eq=False)
class CounterpartyProfile:
    """A receiving account as the bank has come to know it."""

    key: str
    payments: int = 0
    confirmed_fraud: int = 0
    legitimate: int = 0
    first_seen: datetime | None = None

    def observe(self, now: datetime) -> None:
        self.payments += 1
        self.first_seen = self.first_seen or now
