"""Replaying labelled transaction files through a fraud engine, in time order, with the
labels revealed only as operator feedback `label_delay` after each transaction (no peeking).
Profiles are the same incremental ones the bank keeps, here in memory."""

from __future__ import annotations

import csv
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs

from adapters.fraud.features import features
from application.fraud import FraudContext, FraudEngine
from domain.account import AccountType
from domain.device import TrustLevel
from domain.fraud import Assessment
from domain.fraud_profile import CounterpartyProfile, CustomerProfile
from domain.ledger import Channel
from domain.money import Money

FORMATS = ("handbook", "sparkov")
_NAMESPACE = uuid.UUID("6f1c2a4e-7d0b-4c61-9a55-2f0f4a7e9b10")


@attrs.frozen
class Row:
    tx_id: str
    when: datetime
    customer: str
    counterparty: str
    amount: int  # minor units
    label: int


def _minor(text: str) -> int:
    return round(float(text) * 100)


def read_rows(path: Path, fmt: str) -> list[Row]:
    """All rows of a labelled file, in time order."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    rows: list[Row] = []
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        for number, r in enumerate(reader, start=1):
            try:
                if fmt == "handbook":
                    rows.append(Row(r["TRANSACTION_ID"],
                                    datetime.fromisoformat(r["TX_DATETIME"]).replace(tzinfo=UTC),
                                    r["CUSTOMER_ID"], r["TERMINAL_ID"], _minor(r["TX_AMOUNT"]),
                                    int(r["TX_FRAUD"])))
                else:
                    rows.append(Row(str(number), datetime.fromtimestamp(int(r["unix_time"]), UTC),
                                    r["cc_num"], r["merchant"], _minor(r["amt"]),
                                    int(r["is_fraud"])))
            except (KeyError, ValueError) as error:
                raise ValueError(f"{path}:{number + 1}: not a {fmt} row ({error})") from None
    rows.sort(key=lambda row: row.when)
    return rows


@attrs.frozen
class Scored:
    row: Row
    assessment: Assessment
    seconds: float


class Replayer:
    def __init__(self, label_delay: timedelta = timedelta(days=7)) -> None:
        self._delay = label_delay
        self._customers: dict[str, CustomerProfile] = {}
        self._payees: dict[str, CounterpartyProfile] = {}
        self._pending: deque[tuple[datetime, str, int, datetime]] = deque()

    def context(self, row: Row) -> FraudContext:
        while self._pending and self._pending[0][0] <= row.when:  # feedback arrives late
            _, payee_key, label, paid_at = self._pending.popleft()
            self._payee(payee_key).label(paid_at, bool(label))
        profile = self._customers.get(row.customer)
        if profile is None:
            profile = self._customers[row.customer] = CustomerProfile(
                uuid.uuid5(_NAMESPACE, row.customer))
        return FraudContext(
            customer_id=profile.customer_id, amount=Money(row.amount), account_type=AccountType.SAVINGS,
            channel=Channel.ONLINE, counterparty=row.counterparty, own_account=False,
            now=row.when, customer=profile, counterparty_profile=self._payee(row.counterparty),
            device_trust=TrustLevel.TRUSTED, security_events=())

    def observe(self, row: Row, ctx: FraudContext) -> None:
        ctx.customer.observe(row.amount, row.when, row.counterparty, "savings:ONLINE")
        ctx.counterparty_profile.observe(row.when)
        self._pending.append((row.when + self._delay, row.counterparty, row.label, row.when))

    def _payee(self, key: str) -> CounterpartyProfile:
        payee = self._payees.get(key)
        if payee is None:
            payee = self._payees[key] = CounterpartyProfile(key)
        return payee


def replay(rows: list[Row], engine: FraudEngine, *, score_from: datetime | None = None,
           advance: Callable[[int], None] = lambda _: None) -> Iterator[Scored]:
    """Score every row at or after `score_from`; every row feeds the profiles."""
    replayer = Replayer()
    for row in rows:
        ctx = replayer.context(row)
        if score_from is None or row.when >= score_from:
            started = time.perf_counter()
            assessment = engine.assess(ctx)
            yield Scored(row, assessment, time.perf_counter() - started)
        replayer.observe(row, ctx)
        advance(1)


def training_set(rows: list[Row], until: datetime,
                 advance: Callable[[int], None] = lambda _: None) -> tuple[list[list[float]], list[int]]:
    """Features (as the bank saw them then) and labels of the rows before `until`."""
    replayer = Replayer()
    x: list[list[float]] = []
    y: list[int] = []
    for row in rows:
        if row.when >= until:
            break
        ctx = replayer.context(row)
        x.append(features(ctx))
        y.append(row.label)
        replayer.observe(row, ctx)
        advance(1)
    return x, y
