"""Transaction history (keyset pages) and statements that reconcile, on every profile."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import punq
import pytest

from application.use_cases import (
    GenerateStatement,
    ListTransactions,
    StreamStatement,
    VerifyLedger,
    generate_statement,
)
from domain.errors import AccountNotFound, ValidationError
from domain.ledger import EntryType
from entrypoints.bootstrap import bootstrap
from tests.conftest import settings_for
from tests.support.banking import account, customer, deposit
from tests.support.clock import SteppingClock


def test_history_pages_newest_first_without_gaps_or_repeats(bank: punq.Container) -> None:
    asha = customer(bank)
    number = account(bank, asha).account_number
    for rupees in range(1, 8):
        deposit(bank, number, f"{rupees}.00")
    history = bank.resolve(ListTransactions)
    seen: list[str] = []
    before = None
    while True:
        page = history.execute(asha.id, number, limit=3, before=before)
        seen += [e.amount.format() for e in page.items]
        if page.next_before is None:
            break
        before = page.next_before
    assert seen == ["7.00", "6.00", "5.00", "4.00", "3.00", "2.00", "1.00"]


def test_history_filters_by_time_and_checks_its_arguments(bank: punq.Container,
                                                          clock: SteppingClock) -> None:
    asha = customer(bank)
    number = account(bank, asha).account_number
    deposit(bank, number, "1.00")
    clock.advance(timedelta(days=2))
    deposit(bank, number, "2.00")
    since = clock.now() - timedelta(hours=1)
    page = bank.resolve(ListTransactions).execute(asha.id, number, since=since)
    assert [e.amount.format() for e in page.items] == ["2.00"]
    with pytest.raises(ValidationError):
        bank.resolve(ListTransactions).execute(asha.id, number, limit=101)
    with pytest.raises(AccountNotFound):
        bank.resolve(ListTransactions).execute(customer(bank).id, number)


def test_statement_has_opening_and_closing_balances_that_reconcile(
        bank: punq.Container, clock: SteppingClock) -> None:
    asha = customer(bank)
    clock.set(datetime(2026, 10, 30, 9, 0, tzinfo=UTC))
    number = account(bank, asha, "1000.00").account_number  # before the period
    clock.set(datetime(2026, 11, 1, 0, 0, tzinfo=UTC))  # the first instant of the period
    deposit(bank, number, "250.00")
    clock.set(datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC))  # the last second of it
    deposit(bank, number, "50.00")
    clock.set(datetime(2026, 12, 1, 0, 0, tzinfo=UTC))  # after it
    deposit(bank, number, "7.00")
    statement = bank.resolve(GenerateStatement).execute(asha.id, number, date(2026, 11, 1),
                                                        date(2026, 11, 30))
    assert statement.opening_balance.format() == "1000.00"
    assert statement.closing_balance.format() == "1300.00"
    assert statement.total_credits.format() == "300.00"
    assert [e.entry_type for e in statement.entries] == [EntryType.CREDIT, EntryType.CREDIT]
    empty = bank.resolve(GenerateStatement).execute(asha.id, number, date(2025, 1, 1),
                                                    date(2025, 1, 31))
    assert (empty.opening_balance.format(), empty.closing_balance.format(), empty.entries) == \
        ("0.00", "0.00", [])


def test_statement_refuses_backwards_or_overlong_ranges(bank: punq.Container) -> None:
    asha = customer(bank)
    number = account(bank, asha).account_number
    with pytest.raises(ValidationError):
        bank.resolve(GenerateStatement).execute(asha.id, number, date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(ValidationError):
        bank.resolve(GenerateStatement).execute(asha.id, number, date(2010, 1, 1), date(2026, 1, 1))


def test_statements_stream_page_by_page(bank: punq.Container, clock: SteppingClock,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generate_statement, "PAGE", 2)  # force several pages
    asha = customer(bank)
    number = account(bank, asha).account_number
    for rupees in range(1, 6):
        deposit(bank, number, f"{rupees}.00")
    stream = bank.resolve(StreamStatement).execute(asha.id, number, date(2026, 11, 1),
                                                   date(2026, 11, 30))
    amounts = [e.amount.format() for e in stream.entries()]
    assert amounts == ["1.00", "2.00", "3.00", "4.00", "5.00"]
    assert stream.tally.closing.format() == "15.00" and stream.tally.credits.format() == "15.00"


def test_ledger_verify_catches_an_account_posted_out_of_time_order() -> None:
    """Statements find a range's edges by time, so they rely on each account posting in time
    order; a wall clock stepped back between two postings breaks that, and the auditor's check
    must say so rather than let a statement disagree with the balance."""
    clock = SteppingClock(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    bank = bootstrap(settings_for("sqlite:///unused.db", "memory"), clock=clock)
    number = account(bank, customer(bank)).account_number
    deposit(bank, number, "1.00")
    assert bank.resolve(VerifyLedger).execute().ok
    clock.advance(timedelta(hours=-1))
    deposit(bank, number, "2.00")
    problems = bank.resolve(VerifyLedger).execute().problems
    assert any(f"account {number}: entry" in p and "before the entry ahead of it" in p
               for p in problems), problems
