"""Cash at the counter on the memory, SQLite and PostgreSQL profiles: a teller's deposits and
withdrawals post once per key and land in their till for the day; closing the day sets each
till against the ledger and shuts it."""

from __future__ import annotations

import threading
from datetime import timedelta

import punq
import pytest

from application.context import RequestContext
from application.use_cases import (
    CloseTillDay,
    GetBalance,
    ManageStaff,
    OperateCustomers,
    ProposeReversal,
    ReversalCommand,
    TellerCash,
    TellerCommand,
)
from domain.customer import Role
from domain.errors import DomainError, Forbidden, InsufficientFunds, TillClosed
from domain.permissions import Permission
from domain.till import CashKind
from tests.support.banking import account, customer, inr
from tests.support.clock import SteppingClock


def _teller(bank: punq.Container) -> RequestContext:
    return RequestContext(actor_id=customer(bank, Role.TELLER).id)


def _cash(bank: punq.Container, who: RequestContext, kind: CashKind, number: str, amount: str,
          key: str | None = None):  # type: ignore[no-untyped-def]
    return bank.resolve(TellerCash).execute(TellerCommand(kind, number, inr(amount), who,
                                                          idempotency_key=key))


def test_a_tellers_day_balances_against_the_ledger(bank: punq.Container) -> None:
    number = account(bank, customer(bank)).account_number
    meena, arun = _teller(bank), _teller(bank)
    _cash(bank, meena, CashKind.DEPOSIT, number, "5000.00", key="slip-1")
    assert _cash(bank, meena, CashKind.DEPOSIT, number, "5000.00", key="slip-1").replayed
    _cash(bank, meena, CashKind.WITHDRAWAL, number, "1200.00")
    _cash(bank, arun, CashKind.DEPOSIT, number, "300.00")
    with pytest.raises(InsufficientFunds):
        _cash(bank, arun, CashKind.WITHDRAWAL, number, "99999.00")
    assert bank.resolve(GetBalance).execute(None, number).balance.format() == "4100.00"
    close = bank.resolve(CloseTillDay)
    reports = {r.totals.teller_id: r for r in close.execute(close.today(), RequestContext())}
    mine = reports[meena.actor_id]
    assert (mine.totals.deposits, mine.totals.deposited.format()) == (1, "5000.00")
    assert (mine.totals.withdrawals, mine.totals.withdrawn.format()) == (1, "1200.00")
    assert mine.totals.net.format() == "3800.00" and mine.balanced
    assert reports[arun.actor_id].totals.net.format() == "300.00"
    with pytest.raises(TillClosed):
        _cash(bank, meena, CashKind.DEPOSIT, number, "1.00")


def test_the_next_day_opens_a_new_till(bank: punq.Container, clock: SteppingClock) -> None:
    number = account(bank, customer(bank)).account_number
    teller = _teller(bank)
    _cash(bank, teller, CashKind.DEPOSIT, number, "10.00")
    close = bank.resolve(CloseTillDay)
    close.execute(close.today(), RequestContext())
    clock.advance(timedelta(days=1))
    _cash(bank, teller, CashKind.DEPOSIT, number, "20.00")
    assert [r.totals.deposited.format() for r in close.report(close.today())] == ["20.00"]


def test_only_a_named_teller_moves_cash(bank: punq.Container) -> None:
    number = account(bank, customer(bank)).account_number
    with pytest.raises(Forbidden):
        _cash(bank, RequestContext(), CashKind.DEPOSIT, number, "1.00")


def test_one_slip_twice_at_once_is_one_deposit(bank: punq.Container) -> None:
    number = account(bank, customer(bank)).account_number
    teller = _teller(bank)
    start, results = threading.Barrier(2), []

    def pay() -> None:
        start.wait()
        results.append(_cash(bank, teller, CashKind.DEPOSIT, number, "700.00", key="slip-9"))

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r.transfer.id for r in results}) == 1
    assert bank.resolve(GetBalance).execute(None, number).balance.format() == "700.00"
    close = bank.resolve(CloseTillDay)
    assert [r.totals.deposits for r in close.report(close.today())] == [1]


def test_closing_the_day_closes_every_till_even_one_that_moved_no_cash(
        bank: punq.Container) -> None:
    number = account(bank, customer(bank)).account_number
    busy, idle = _teller(bank), _teller(bank)
    _cash(bank, busy, CashKind.DEPOSIT, number, "10.00")
    close = bank.resolve(CloseTillDay)
    assert [r.totals.teller_id for r in close.execute(close.today(), RequestContext())] == \
        [busy.actor_id]
    with pytest.raises(TillClosed):
        _cash(bank, idle, CashKind.DEPOSIT, number, "5.00")


def test_a_teller_does_not_handle_cash_on_their_own_account(bank: punq.Container) -> None:
    teller = customer(bank, Role.TELLER)
    own = account(bank, teller, "100.00").account_number
    for kind in CashKind:
        with pytest.raises(Forbidden, match="own account"):
            _cash(bank, RequestContext(actor_id=teller.id), kind, own, "10.00")
    _cash(bank, _teller(bank), CashKind.DEPOSIT, own, "10.00")  # another teller may


def test_a_disabled_teller_moves_no_cash(bank: punq.Container) -> None:
    number = account(bank, customer(bank)).account_number
    teller = customer(bank, Role.TELLER)
    bank.resolve(ManageStaff).disable(teller.customer_number, RequestContext())
    with pytest.raises(Forbidden):
        _cash(bank, RequestContext(actor_id=teller.id), CashKind.DEPOSIT, number, "1.00")
    with pytest.raises(Forbidden, match="disabled"):
        bank.resolve(OperateCustomers).staff(teller.customer_number, Permission.HANDLE_CASH)
    with pytest.raises(Forbidden):  # a customer is no teller
        _cash(bank, RequestContext(actor_id=customer(bank).id), CashKind.DEPOSIT, number, "1.00")


def test_a_slip_number_is_the_tellers_for_the_day(bank: punq.Container,
                                                 clock: SteppingClock) -> None:
    first, second = (account(bank, customer(bank)).account_number for _ in range(2))
    meena, arun = _teller(bank), _teller(bank)
    _cash(bank, meena, CashKind.DEPOSIT, first, "100.00", key="0042")
    assert _cash(bank, meena, CashKind.DEPOSIT, first, "100.00", key="0042").replayed
    with pytest.raises(DomainError):  # the same slip, another account: not a retry
        _cash(bank, meena, CashKind.DEPOSIT, second, "100.00", key="0042")
    assert not _cash(bank, arun, CashKind.DEPOSIT, first, "100.00", key="0042").replayed
    clock.advance(timedelta(days=1))
    assert not _cash(bank, meena, CashKind.DEPOSIT, first, "100.00", key="0042").replayed
    assert bank.resolve(GetBalance).execute(None, first).balance.format() == "300.00"


def test_a_reversed_deposit_is_taken_off_the_till_and_the_ledger_agrees(
        bank: punq.Container) -> None:
    wrong, right = (account(bank, customer(bank)).account_number for _ in range(2))
    teller = _teller(bank)
    keyed = _cash(bank, teller, CashKind.DEPOSIT, wrong, "5000.00").transfer
    operator = RequestContext(actor_id=customer(bank, Role.OPERATOR).id)
    bank.resolve(ProposeReversal).execute(ReversalCommand(keyed.id, "wrong account", operator))
    _cash(bank, teller, CashKind.DEPOSIT, right, "5000.00")
    close = bank.resolve(CloseTillDay)
    [report] = close.execute(close.today(), RequestContext())
    assert (report.totals.deposited.format(), report.totals.deposits_reversed.format(),
            report.totals.net.format()) == ("10000.00", "5000.00", "5000.00")
    assert report.ledger_deposits_reversed.format() == "5000.00" and report.balanced
