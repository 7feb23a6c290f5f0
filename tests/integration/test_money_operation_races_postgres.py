"""Checks made in one statement and acted on in another, with no lock
between them, on PostgreSQL (READ COMMITTED; SQLite and memory have one writer at a time, so
there the check and the write cannot be split). Each race is forced open deterministically: a
hook holds the first request just after its check until the second has committed. Each was a defect found in
a hostile review, fixed."""

from __future__ import annotations

import threading
from collections.abc import Callable

import punq
import pytest

from adapters.sql.repositories import SqlAccounts
from adapters.sql.tills import SqlTills
from application.context import SYSTEM, RequestContext
from application.use_cases import (
    CloseTillDay,
    OpenAccount,
    OpenAccountCommand,
    OperateCustomers,
    TellerCash,
    TellerCommand,
)
from domain.account import AccountStatus, AccountType
from domain.customer import KycStatus, Role
from domain.errors import DomainError
from domain.till import CashKind
from tests.support.banking import account, customer, inr
from tests.support.races import both_at_once

pytestmark = pytest.mark.postgresql


@pytest.fixture
def profile() -> str:
    return "postgresql"


def _paused_after(monkeypatch: pytest.MonkeyPatch, cls: type, name: str,
                  in_thread: Callable[[], bool]) -> tuple[threading.Event, threading.Event]:
    """Patch `cls.name` so that the first call on a thread `in_thread` says yes to sets
    `checked` and then waits for `go`: the window between a check and its write, held open."""
    checked, go, original = threading.Event(), threading.Event(), getattr(cls, name)

    def hooked(self, *args):  # type: ignore[no-untyped-def]
        found = original(self, *args)
        if in_thread() and not checked.is_set():
            checked.set()
            assert go.wait(20), "the other request never finished"
        return found

    monkeypatch.setattr(cls, name, hooked)
    return checked, go


def test_no_cash_moves_through_a_till_closed_meanwhile(bank: punq.Container,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    number = account(bank, customer(bank)).account_number
    teller = RequestContext(actor_id=customer(bank, Role.TELLER).id)
    cash = bank.resolve(TellerCash)
    cash.execute(TellerCommand(CashKind.DEPOSIT, number, inr("100.00"), teller))
    counter = threading.current_thread()
    checked, go = _paused_after(monkeypatch, SqlTills, "closing",
                                lambda: threading.current_thread() is not counter)
    answer: list[object] = []

    def late_deposit() -> None:
        try:
            answer.append(cash.execute(TellerCommand(CashKind.DEPOSIT, number, inr("50.00"),
                                                     teller)))
        except DomainError as error:
            answer.append(error)

    worker = threading.Thread(target=late_deposit)
    worker.start()
    assert checked.wait(20)
    close = bank.resolve(CloseTillDay)
    closed = close.execute(close.today(), RequestContext())
    go.set()
    worker.join(30)
    deposited_at_close = closed[0].totals.deposited.format()
    deposited_now = close.report(close.today())[0].totals.deposited.format()
    assert isinstance(answer[0], DomainError) and answer[0].code == "till_closed", (
        f"a deposit went through a closed till: the close reported {deposited_at_close}, "
        f"the till now says {deposited_now}")


def test_a_min_customer_opening_two_accounts_at_once_gets_one(
        bank: punq.Container, monkeypatch: pytest.MonkeyPatch) -> None:
    small = customer(bank, kyc=KycStatus.MIN)
    meet, seen, guard = threading.Barrier(2, timeout=10), [0], threading.Lock()
    original = SqlAccounts.of_customer

    def of_customer(self, customer_id):  # type: ignore[no-untyped-def]
        found = original(self, customer_id)
        with guard:
            seen[0] += 1
            first_two = seen[0] <= 2
        if first_two:
            meet.wait()
        return found

    monkeypatch.setattr(SqlAccounts, "of_customer", of_customer)

    def open_one() -> object:
        return bank.resolve(OpenAccount).execute(OpenAccountCommand(
            "", AccountType.SAVINGS, customer_id=small.id))

    answers = both_at_once(open_one, open_one)
    opened = [a for a in answers if not isinstance(a, DomainError)]
    assert len(opened) == 1, f"a min-KYC customer (at most 1 account) opened {len(opened)}"


def test_an_account_opened_while_kyc_changes_carries_the_new_tier(
        bank: punq.Container, monkeypatch: pytest.MonkeyPatch) -> None:
    person = customer(bank)
    account(bank, person)
    counter = threading.current_thread()
    checked, go = _paused_after(monkeypatch, SqlAccounts, "of_customer",
                                lambda: threading.current_thread() is not counter)
    opened: list[object] = []

    def open_one() -> None:
        try:
            opened.append(bank.resolve(OpenAccount).execute(OpenAccountCommand(
                "", AccountType.SAVINGS, customer_id=person.id)))
        except DomainError as error:
            opened.append(error)

    worker = threading.Thread(target=open_one)
    worker.start()
    assert checked.wait(20)
    bank.resolve(OperateCustomers).set_kyc(person.customer_number, KycStatus.REJECTED, SYSTEM)
    go.set()
    worker.join(30)
    if isinstance(opened[0], DomainError):
        return  # refused: the new tier held
    accounts = bank.resolve(OperateCustomers).show(person.customer_number).accounts
    tiers = {a.account_number: a.kyc.value for a in accounts if a.status is AccountStatus.ACTIVE}
    assert set(tiers.values()) == {"rejected"}, f"a rejected customer's accounts: {tiers}"
