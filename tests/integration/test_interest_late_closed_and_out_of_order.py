"""Interest postings that lose accrued interest or break the carry
chain. Each test states the rule it holds the code to (docs/money-operations.md); each was a defect found in a
hostile review, fixed. The bank here is not verified on teardown: some of these
defects leave books that `ledger verify` rightly refuses."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import punq
import pytest

from adapters.sql.interest import SqlInterest
from application.context import SYSTEM
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    AccrueInterest,
    CashCommand,
    GetBalance,
    OperateAccounts,
    PostInterest,
    VerifyLedger,
    Withdraw,
)
from domain.errors import DomainError
from domain.interest import closed_accounts_payable_number
from entrypoints.bootstrap import bootstrap, prepare_database
from tests.conftest import PROFILES, database_url_for, settings_for
from tests.support.banking import account, customer, inr
from tests.support.clock import SteppingClock

RATE = Fraction(35_000, 1_000_000 * 365)  # 3.5 % a year, Actual/365, per day


@pytest.fixture(params=PROFILES)
def profile(request: pytest.FixtureRequest) -> str:
    """No race here: the holes are in the order of steps, on every adapter alike."""
    return str(request.param)


@pytest.fixture
def bank(profile: str, tmp_path: Path, clock: SteppingClock,
         request: pytest.FixtureRequest) -> Iterator[punq.Container]:
    wired = bootstrap(settings_for(database_url_for(profile, tmp_path, request), profile),
                      clock=clock)
    prepare_database(wired)
    yield wired
    wired.resolve(UnitOfWorkFactory).close()


def _paise(bank: punq.Container, number: str) -> int:
    return bank.resolve(GetBalance).execute(None, number).balance.minor


def _accrue(bank: punq.Container, first: date, last: date) -> None:
    day = first
    while day <= last:
        bank.resolve(AccrueInterest).execute(day)
        day += timedelta(days=1)


def test_a_day_accrued_while_the_month_is_posted_is_paid(bank: punq.Container,
                                                         clock: SteppingClock) -> None:
    savings = account(bank, customer(bank), "1000.01").account_number
    clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    _accrue(bank, date(2026, 11, 22), date(2026, 11, 29))
    post = bank.resolve(PostInterest)
    original = post._post
    late = [date(2026, 11, 30)]

    def after_the_read(*args):  # type: ignore[no-untyped-def]
        while late:  # the nightly accrual of 30 November commits meanwhile (cron ran late)
            bank.resolve(AccrueInterest).execute(late.pop())
        return original(*args)

    post._post = after_the_read  # type: ignore[method-assign]
    post.execute("2026-11")
    post.execute("2026-11")  # a second run posts whatever the first left
    nine_days = 9 * 100_001 * RATE
    assert _paise(bank, savings) == 100_001 + int(nine_days), "30 November's interest was lost"
    report = bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems


def test_interest_earned_before_an_account_closes_is_paid(bank: punq.Container,
                                                          clock: SteppingClock) -> None:
    savings = account(bank, customer(bank), "10000.00").account_number
    clock.set(datetime(2026, 11, 26, 6, 0, tzinfo=UTC))
    _accrue(bank, date(2026, 11, 22), date(2026, 11, 25))  # four days on 10,000.00
    bank.resolve(Withdraw).execute(CashCommand(savings, inr("10000.00")))
    bank.resolve(OperateAccounts).close(savings, SYSTEM)
    clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    first = bank.resolve(PostInterest).execute("2026-11")
    again = bank.resolve(PostInterest).execute("2026-11")
    assert not first.refused and not again.refused, \
        f"refused at every run: {again.refused}; {int(4 * 1_000_000 * RATE)} paise never paid"
    # Settled at the close, to the bank's payable for closed accounts: owed to the customer.
    assert _paise(bank, closed_accounts_payable_number("INR")) == int(4 * 1_000_000 * RATE)
    report = bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems


def test_a_day_accrued_after_its_account_closed_is_paid(bank: punq.Container,
                                                      clock: SteppingClock) -> None:
    """The night of the 25th failed; the account closed on the 26th; the 25th is accrued by
    hand afterwards: the day the account held 10,000.00 still earns, and is paid."""
    savings = account(bank, customer(bank), "10000.00").account_number
    clock.set(datetime(2026, 11, 26, 6, 0, tzinfo=UTC))
    _accrue(bank, date(2026, 11, 22), date(2026, 11, 24))
    bank.resolve(Withdraw).execute(CashCommand(savings, inr("10000.00")))
    bank.resolve(OperateAccounts).close(savings, SYSTEM)
    _accrue(bank, date(2026, 11, 25), date(2026, 11, 25))
    clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    assert not bank.resolve(PostInterest).execute("2026-11").refused  # settled at the close
    clock.set(datetime(2027, 1, 1, 6, 0, tzinfo=UTC))
    assert not bank.resolve(PostInterest).execute().refused  # the late day: the next posting
    assert _paise(bank, closed_accounts_payable_number("INR")) == int(4 * 1_000_000 * RATE)
    report = bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems


def test_a_month_refused_for_a_frozen_account_is_posted_by_the_next_run(
        bank: punq.Container, clock: SteppingClock) -> None:
    savings = account(bank, customer(bank), "10000.00").account_number
    clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    _accrue(bank, date(2026, 11, 22), date(2026, 11, 30))
    bank.resolve(OperateAccounts).freeze(savings, SYSTEM)
    assert bank.resolve(PostInterest).execute().refused  # November: the account is frozen
    bank.resolve(OperateAccounts).unfreeze(savings, SYSTEM)
    clock.set(datetime(2027, 1, 1, 6, 0, tzinfo=UTC))
    _accrue(bank, date(2026, 12, 1), date(2026, 12, 31))
    bank.resolve(PostInterest).execute()  # December, the cron's next monthly run
    forty_days = 40 * 1_000_000 * RATE
    assert _paise(bank, savings) >= 1_000_000 + int(forty_days) - 1, \
        "November's interest was never posted"


def test_months_posted_out_of_order_keep_the_carry_chain(bank: punq.Container,
                                                         clock: SteppingClock) -> None:
    account(bank, customer(bank), "1000.01")  # odd paise: every month leaves a carry
    clock.set(datetime(2027, 1, 1, 6, 0, tzinfo=UTC))
    _accrue(bank, date(2026, 11, 22), date(2026, 12, 31))
    bank.resolve(PostInterest).execute("2026-12")  # November was refused, say: posted later
    bank.resolve(PostInterest).execute("2026-11")
    report = bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems


def test_a_month_is_spelt_one_way(bank: punq.Container, clock: SteppingClock) -> None:
    account(bank, customer(bank), "1000.01")
    clock.set(datetime(2027, 2, 1, 6, 0, tzinfo=UTC))
    _accrue(bank, date(2026, 11, 22), date(2027, 1, 31))
    bank.resolve(PostInterest).execute("2026-11")
    try:
        bank.resolve(PostInterest).execute("2026-012")
    except DomainError:  # refused: the spelling is checked
        return
    bank.resolve(PostInterest).execute("2027-01")
    report = bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems


def test_a_day_accrued_after_its_month_was_posted_is_paid(bank: punq.Container,
                                                          clock: SteppingClock) -> None:
    savings = account(bank, customer(bank), "10000.00").account_number
    clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    _accrue(bank, date(2026, 11, 22), date(2026, 11, 29))  # the night of the 30th failed
    bank.resolve(PostInterest).execute("2026-11")
    bank.resolve(AccrueInterest).execute(date(2026, 11, 30))  # rerun by hand the next morning
    bank.resolve(PostInterest).execute("2026-11")
    clock.set(datetime(2027, 1, 1, 6, 0, tzinfo=UTC))
    _accrue(bank, date(2026, 12, 1), date(2026, 12, 31))
    bank.resolve(PostInterest).execute("2026-12")
    earned = sum(1_000_000 * RATE for _ in range(40))  # 9 days of November, 31 of December
    assert _paise(bank, savings) >= 1_000_000 + int(earned) - 1, "30 November was never paid"


def test_verify_finds_an_accrual_marked_posted_that_no_posting_paid(
        bank: punq.Container, clock: SteppingClock) -> None:
    """The trace a lost day leaves (an accrual marked posted beside no posting of its month):
    `ledger verify` names it, so every accrued paisa is provably paid once."""
    saver = account(bank, customer(bank), "10000.00")
    clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    bank.resolve(AccrueInterest).execute(date(2026, 11, 29))
    bank.resolve(PostInterest).execute("2026-11")
    bank.resolve(AccrueInterest).execute(date(2026, 11, 30))
    with bank.resolve(UnitOfWorkFactory)(write=True) as uow:
        uow.interest.mark_posted(saver.id, [date(2026, 11, 30)], "2026-10")
        uow.commit()
    report = bank.resolve(VerifyLedger).execute()
    assert any("marked posted as 2026-10" in p for p in report.problems), report.problems


@pytest.mark.postgresql
@pytest.mark.parametrize("profile", ["postgresql"])
def test_a_day_accrued_while_its_account_is_posted_is_paid_next_month(
        bank: punq.Container, clock: SteppingClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL the nightly accrual of a day starts after the posting read the account's
    accruals under its lock (its row waits for the posting to commit): the day is not in that
    posting, nor marked with it, and the next month's posting pays it."""
    savings = account(bank, customer(bank), "1000.01").account_number
    clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    _accrue(bank, date(2026, 11, 22), date(2026, 11, 29))
    original, nights = SqlInterest.unposted, []

    def read_then_late(self, until, account_id=None):  # type: ignore[no-untyped-def]
        found = original(self, until, account_id)
        if account_id is not None and not nights:
            nights.append(threading.Thread(
                target=lambda: bank.resolve(AccrueInterest).execute(date(2026, 11, 30))))
            nights[0].start()
        return found

    monkeypatch.setattr(SqlInterest, "unposted", read_then_late)
    bank.resolve(PostInterest).execute("2026-11")
    nights[0].join(20)
    assert not nights[0].is_alive()
    monkeypatch.setattr(SqlInterest, "unposted", original)
    eight_days = 8 * 100_001 * RATE
    assert _paise(bank, savings) == 100_001 + int(eight_days)
    assert bank.resolve(AccrueInterest).execute(date(2026, 11, 30)).already
    clock.set(datetime(2027, 1, 1, 6, 0, tzinfo=UTC))
    _accrue(bank, date(2026, 12, 1), date(2026, 12, 31))
    bank.resolve(PostInterest).execute("2026-12")
    december = (eight_days - int(eight_days)) + 100_001 * RATE \
        + 31 * (100_001 + int(eight_days)) * RATE
    assert _paise(bank, savings) == 100_001 + int(eight_days) + int(december)
    report = bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems
