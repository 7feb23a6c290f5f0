"""Behaviour profiles for fraud scoring, kept up to date one posted transfer at a time, so an
assessment never scans the history."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import attrs

RECENT_AMOUNTS = 100
RECENT_WINDOW = timedelta(hours=24)
MAX_COUNTERPARTIES = 500
DAYS_KEPT = 45  # daily buckets for 1/7/30-day windows, with room for a 7-day label delay


def _trim(days: dict[str, list[int]], now: datetime) -> None:
    oldest = (now - timedelta(days=DAYS_KEPT)).date().isoformat()
    for day in [d for d in days if d < oldest]:
        del days[day]


def _span(days: dict[str, list[int]], now: datetime, start: int, end: int) -> list[int]:
    """Column sums of the buckets from `start` to `end` days ago (end exclusive), today = 0."""
    first = (now - timedelta(days=end - 1)).date().isoformat()
    last = (now - timedelta(days=start)).date().isoformat()
    totals: list[int] = []
    for day, values in days.items():
        if first <= day <= last:
            totals = [a + b for a, b in zip(totals, values, strict=True)] if totals else list(values)
    return totals


def _median(values: list[int] | list[float]) -> float:
    """statistics.median's answer, without its generality: every assessment asks twice."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


@attrs.define(eq=False)
class CustomerProfile:
    customer_id: UUID
    transfers: int = 0
    recent_amounts: list[int] = attrs.Factory(list)  # minor units, newest last
    # Minute buckets of the last 24 h: epoch minute -> [count, sum]. At most 1,440 of them, so
    # a busy customer's profile stays small however many transfers they make.
    minutes: dict[str, list[int]] = attrs.Factory(dict)
    hours: list[int] = attrs.Factory(lambda: [0] * 24)  # UTC hour of day histogram
    day: str = ""
    day_totals: dict[str, int] = attrs.Factory(dict)  # "account_type:channel" -> minor units
    account_totals: dict[str, int] = attrs.Factory(dict)  # account number -> minor units, `day`
    counterparties: dict[str, int] = attrs.Factory(dict)  # counterparty -> payments
    days: dict[str, list[int]] = attrs.Factory(dict)  # date -> [count, sum]

    def daily(self, now: datetime, window_days: int) -> tuple[int, int]:
        """(count, sum) over the last `window_days` calendar days, today included."""
        totals = _span(self.days, now, 0, window_days)
        return (totals[0], totals[1]) if totals else (0, 0)

    def median_and_mad(self) -> tuple[float, float] | None:
        if len(self.recent_amounts) < 5:
            return None
        median = _median(self.recent_amounts)
        return median, _median([abs(a - median) for a in self.recent_amounts])

    def window(self, now: datetime, span: timedelta) -> tuple[int, int]:
        """(count, sum) of this customer's transfers in the last `span`."""
        since = int((now - span).timestamp() // 60)
        count = total = 0
        for minute, (n, amount) in self.minutes.items():
            if int(minute) > since:
                count, total = count + n, total + amount
        return count, total

    def spent_today(self, now: datetime, bucket: str) -> int:
        """Paid today from one account type on one channel."""
        return self.day_totals.get(bucket, 0) if self._counts_for(now) else 0

    def spent_today_from(self, now: datetime, account_number: str) -> int:
        """Paid today from one account, on every channel together."""
        return self.account_totals.get(account_number, 0) if self._counts_for(now) else 0

    def spent_today_in_all(self, now: datetime) -> int:
        """Paid today from all of this customer's accounts, on every channel together."""
        return sum(self.day_totals.values()) if self._counts_for(now) else 0

    def _counts_for(self, now: datetime) -> bool:
        """Whether the day's totals are `now`'s: also when they are of a later day, as on a
        host whose clock is a little behind another's at midnight (never a fresh start)."""
        return bool(self.day) and self.day >= now.date().isoformat()

    def hour_share(self, hour: int) -> float:
        return self.hours[hour] / self.transfers if self.transfers else 0.0

    def count_today(self, amount: int, now: datetime, bucket: str,
                    account_number: str = "") -> None:
        """Count a payment against the daily limits of the day `now` falls on: when it
        posts, or already when it is held, so held payments cannot together pass a limit."""
        today = now.date().isoformat()
        if not self._counts_for(now):  # a new day; never back to an earlier one
            self.day, self.day_totals, self.account_totals = today, {}, {}
        self.day_totals[bucket] = self.day_totals.get(bucket, 0) + amount
        if account_number:
            self.account_totals[account_number] = self.account_totals.get(account_number, 0) \
                + amount

    def uncount(self, amount: int, held_at: datetime, bucket: str,
                account_number: str = "") -> None:
        """A held payment given back no longer counts against the day it was held on."""
        if self.day != held_at.date().isoformat():
            return
        self.day_totals[bucket] = max(0, self.day_totals.get(bucket, 0) - amount)
        if account_number in self.account_totals:
            self.account_totals[account_number] = max(
                0, self.account_totals[account_number] - amount)

    def observe(self, amount: int, now: datetime, counterparty: str, bucket: str,
                account_number: str = "", counted: bool = False) -> None:
        """Fold one posted transfer into the profile: `bucket` is "account_type:CHANNEL",
        `account_number` the account paid from; `counted`: already counted against the daily
        limits when it was held."""
        self.transfers += 1
        self.recent_amounts = [*self.recent_amounts, amount][-RECENT_AMOUNTS:]
        minute = int(now.timestamp() // 60)
        per_minute = self.minutes.setdefault(str(minute), [0, 0])
        per_minute[0] += 1
        per_minute[1] += amount
        cutoff = minute - int(RECENT_WINDOW.total_seconds() // 60)
        for stale in [m for m in self.minutes if int(m) <= cutoff]:
            del self.minutes[stale]
        self.hours[now.hour] += 1
        if not counted:
            self.count_today(amount, now, bucket, account_number)
        today = now.date().isoformat()
        bucket_today = self.days.setdefault(today, [0, 0])
        bucket_today[0] += 1
        bucket_today[1] += amount
        _trim(self.days, now)
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
    days: dict[str, list[int]] = attrs.Factory(dict)  # payment date -> [payments, frauds]

    def observe(self, now: datetime) -> None:
        self.payments += 1
        self.first_seen = self.first_seen or now
        self.days.setdefault(now.date().isoformat(), [0, 0])[0] += 1
        _trim(self.days, now)

    def label(self, paid_at: datetime, fraud: bool) -> None:
        """An operator's verdict (or a chargeback) on a payment made on `paid_at`."""
        if fraud:
            self.confirmed_fraud += 1
            # A held payment that was refused never posted, so its day may have no bucket yet.
            self.days.setdefault(paid_at.date().isoformat(), [0, 0])[1] += 1
        else:
            self.legitimate += 1

    def recent_frauds(self, now: datetime, days: int = 30) -> int:
        """Confirmed frauds on payments made in the last `days` days."""
        totals = _span(self.days, now, 0, days)
        return totals[1] if totals else 0

    def fraud_rate(self, now: datetime, delay_days: int, window_days: int) -> tuple[float, int]:
        """Share of payments confirmed fraudulent among those made `delay_days` to
        `delay_days + window_days` ago (older payments have had time to be labelled)."""
        totals = _span(self.days, now, delay_days, delay_days + window_days)
        if not totals or totals[0] == 0:
            return 0.0, 0
        return totals[1] / totals[0], totals[0]
