"""Interest on the memory, SQLite and PostgreSQL profiles: each day accrues once on its closing
balance, exactly; each month posts once, in whole paise from the interest-expense account, the
rest carried into the next month and never lost; `ledger verify` holds postings to accruals."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import punq
import pytest

from application.use_cases import (
    AccrueInterest,
    GetBalance,
    PostInterest,
    VerifyLedger,
)
from domain.account import AccountType
from domain.errors import ValidationError
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock

# The clock starts 2026-11-22 10:00 UTC (15:30 in Kolkata, the bank's zone).
RATE = Fraction(35_000, 1_000_000 * 365)  # 3.5 % a year, Actual/365, per day


def _paise(bank: punq.Container, number: str) -> int:
    return bank.resolve(GetBalance).execute(None, number).balance.minor


def test_days_accrue_once_and_months_post_whole_paise(bank: punq.Container,
                                                      clock: SteppingClock) -> None:
    saver = customer(bank)
    savings = account(bank, saver, "1000.01").account_number  # odd paise: fractions carry
    current = account(bank, saver, "5000.00", AccountType.CURRENT).account_number
    accrue, post = bank.resolve(AccrueInterest), bank.resolve(PostInterest)
    clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    for day in range(22, 31):  # 22-30 November: nine days
        assert accrue.execute(date(2026, 11, day)).accounts == 1  # savings only
    assert accrue.execute(date(2026, 11, 30)).already
    with pytest.raises(ValidationError, match="not over"):
        accrue.execute(date(2026, 12, 1))
    run = post.execute("2026-11")
    assert (run.posted, run.already) == (1, 0)
    november = 9 * 100_001 * RATE  # exact, in paise
    assert _paise(bank, savings) == 100_001 + int(november)
    assert post.execute("2026-11").posted == 0  # again: nothing left to post
    assert _paise(bank, savings) == 100_001 + int(november)
    assert _paise(bank, current) == 500_000  # current accounts earn nothing
    # December, on the new balance; what November left under a paisa comes in with it.
    clock.set(datetime(2027, 1, 1, 6, 0, tzinfo=UTC))
    for day in range(1, 32):
        accrue.execute(date(2026, 12, day))
    post.execute("2026-12")
    december = (november - int(november)) + 31 * (100_001 + int(november)) * RATE
    assert _paise(bank, savings) == 100_001 + int(november) + int(december)
    report = bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems


def test_a_month_is_posted_once_it_is_over(bank: punq.Container, clock: SteppingClock) -> None:
    with pytest.raises(ValidationError, match="not over"):
        bank.resolve(PostInterest).execute("2026-11")
    clock.advance(timedelta(days=1))
    assert bank.resolve(AccrueInterest).execute().day == date(2026, 11, 22)  # yesterday


def test_two_runs_at_once_accrue_and_post_once(bank: punq.Container,
                                               clock: SteppingClock) -> None:
    savers = [account(bank, customer(bank), "10000.00").account_number for _ in range(3)]
    clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))

    def twice(act: object) -> list[object]:
        start, results = threading.Barrier(2), []

        def run() -> None:
            start.wait()
            results.append(act())  # type: ignore[operator]
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results

    accrued = twice(lambda: bank.resolve(AccrueInterest).execute(date(2026, 11, 30)))
    assert sorted(r.already for r in accrued) == [False, True]  # type: ignore[attr-defined]
    posted = twice(lambda: bank.resolve(PostInterest).execute("2026-11"))
    assert sum(r.posted for r in posted) == 3  # type: ignore[attr-defined]
    one_day = int(1_000_000 * RATE)
    assert {_paise(bank, n) for n in savers} == {1_000_000 + one_day}
