"""The history behind a bank of a given size: which transfers, when, between whom, and the rows
each leaves (the transfer, its debit and credit, the audit record of its posting), made so that
every invariant `vaani ledger verify` and `vaani audit verify` check holds by construction.

The shape is the same at every size, so that a read's range holds the same entries whatever lies
before it, and only that history changes from one size to the next:
- the reference account (the first customer's first account) has `recent` transfers spread over
  the 364 days before today and `today` transfers earlier today: its statements for today and
  for 365 days, and its pages of transactions, read the same entries at every size;
- the rest of the size is two years of transfers among all customer accounts, a few busy ones
  taking part in BUSY_SHARE of them; the reference account is one of them before its year only,
  so the history before its statements' range grows with the size.
Postings come in time order, so `posted_at` increases with the ledger's sequence, as it does when
the bank posts them one by one; amounts are turned around when the payer could not afford them."""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import attrs

from adapters.sql.mapping import audit_row
from domain.audit import AuditEvent, seal
from domain.money import Money
from domain.transfer import TransferKind, request_fingerprint

CUSTOMERS_MIN = 64  # the fresh bank's: enough for the timed transfers' own customers
ENTRIES_PER_CUSTOMER = 2_000  # a larger bank has more customers, each with two accounts
BUSY = 4  # the first account of each of the first BUSY customers is busy
BUSY_SHARE = 0.3
YEARS = 2
CHANNELS = ("UPI", "IMPS", "NEFT", "ONLINE", "MOBILE")

TRANSFER_COLUMNS = ("id", "kind", "customer_id", "fingerprint", "status", "from_account_id",
                    "from_account_number", "to_account_id", "to_account_number", "amount",
                    "currency", "channel", "description", "created_at", "posted_at")
ENTRY_COLUMNS = ("id", "account_id", "transfer_id", "entry_type", "amount", "currency",
                 "balance_after", "channel", "description", "reference", "posted_at")
AUDIT_COLUMNS = ("sequence", "id", "occurred_at", "action", "outcome", "actor_id", "customer_id",
                 "resource", "ip", "device_id", "request_id", "details", "previous_hash",
                 "record_hash")
Row = tuple[object, ...]
Posting = tuple[Row, Row, Row, Row]  # transfer, debit, credit, audit record


@attrs.frozen
class Shape:
    size: int  # ledger entries of the whole history, the reference account's included
    recent: int = 20_000  # the reference account's transfers in the 364 days before today
    today: int = 100  # ... and earlier today
    least_customers: int = CUSTOMERS_MIN  # at least BUSY

    @property
    def customers(self) -> int:
        return max(self.least_customers, self.size // ENTRIES_PER_CUSTOMER)

    @property
    def others(self) -> int:
        """Transfers beside the reference account's own year: the history that grows."""
        return max(0, self.size // 2 - self.recent - self.today)

    @property
    def entries(self) -> int:
        return 2 * (self.recent + self.today + self.others)


@attrs.define
class Holder:
    """An account as the history sees it: who owns it and its running balance."""

    id: UUID
    number: str
    customer_id: UUID
    balance: int


def midnight(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _evenly(start: datetime, end: datetime, count: int, tag: bool) -> Iterator[tuple[datetime, bool]]:
    step = (end - start) / max(count, 1)
    for i in range(count):
        yield start + step * (i + 0.5), tag


def timeline(shape: Shape, now: datetime) -> Iterator[tuple[datetime, bool]]:
    """(when, is the reference account's), in time order; history starts an hour after the
    accounts were opened, YEARS before `now`, and ends a minute before `now`."""
    today = midnight(now)
    year = today - timedelta(days=364)
    start = now - timedelta(days=365 * YEARS) + timedelta(hours=1)
    reference = heapq.merge(_evenly(year, today, shape.recent, True),
                            _evenly(today, max(today, now - timedelta(minutes=1)), shape.today,
                                    True))
    return heapq.merge(reference, _evenly(start, today, shape.others, False))


class History:
    """Postings after the audit chain's head (`sequence`, `last_hash`), from `holders` (the
    reference account first, then the busy ones at even places: the first account of each
    customer) whose balances it keeps running."""

    def __init__(self, holders: list[Holder], shape: Shape, sequence: int, last_hash: str,
                 now: datetime, seed: int = 7) -> None:
        self.holders, self.shape, self.now = holders, shape, now
        self.sequence, self.last_hash = sequence, last_hash
        self.previous_hash = ""
        self._rng = random.Random(seed)
        self._year = midnight(now) - timedelta(days=364)

    def postings(self) -> Iterator[Posting]:
        rng, count = self._rng, len(self.holders)
        for n, (when, reference) in enumerate(timeline(self.shape, self.now)):
            busy = rng.random() < BUSY_SHARE
            lowest = 1 if (reference or when >= self._year) else 0  # the reference: its year only
            a = 0 if reference else (2 * rng.randrange(lowest, BUSY) if busy
                                     else rng.randrange(lowest, count))
            b = a
            while b == a or (b == 0 and lowest == 1):
                b = rng.randrange(count)
            amount = rng.randrange(100, 500_000)
            source, destination = (self.holders[a], self.holders[b]) if rng.random() < 0.5 \
                else (self.holders[b], self.holders[a])
            if source.balance < amount:
                source, destination = destination, source
            yield self._posting(n, when, source, destination, amount, rng.choice(CHANNELS))

    def _posting(self, n: int, when: datetime, source: Holder, destination: Holder, amount: int,
                 channel: str) -> Posting:
        bits = self._rng.getrandbits
        transfer_id, debit_id, credit_id, event_id = (UUID(int=bits(128), version=4)
                                                       for _ in range(4))
        description = f"History payment {n}"
        source.balance -= amount
        destination.balance += amount
        money = Money(amount, "INR")
        fingerprint = request_fingerprint(
            kind=TransferKind.TRANSFER, source=source.number, destination=destination.number,
            amount=amount, currency="INR", channel=channel, description=description)
        transfer = (transfer_id, "transfer", source.customer_id, fingerprint, "completed",
                    source.id, source.number, destination.id, destination.number, amount, "INR",
                    channel, description, when, when)
        tail = (channel, description, str(transfer_id), when)
        debit = (debit_id, source.id, transfer_id, "debit", amount, "INR", source.balance, *tail)
        credit = (credit_id, destination.id, transfer_id, "credit", amount, "INR",
                  destination.balance, *tail)
        event = AuditEvent(
            id=event_id, occurred_at=when, action="money.transfer", outcome="success",
            actor_id=source.customer_id, customer_id=source.customer_id,
            resource=f"transfer:{transfer_id}",
            details={"source": source.number, "destination": destination.number,
                     "amount": money.format(), "currency": "INR", "channel": channel})
        sealed = seal(event, self.sequence + 1, self.last_hash)
        self.sequence, self.previous_hash, self.last_hash = \
            sealed.sequence, self.last_hash, sealed.record_hash
        row = audit_row(sealed)
        return transfer, debit, credit, tuple(row[c] for c in AUDIT_COLUMNS)
