"""The use-case suite for money movements, run on the memory, SQLite and PostgreSQL profiles."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import punq
import pytest

from application.ports import UnitOfWorkFactory
from application.use_cases import (
    CashCommand,
    GetBalance,
    ListAccounts,
    TransferCommand,
    TransferMoney,
    VerifyLedger,
    Withdraw,
)
from domain.errors import (
    AccountFrozen,
    AccountNotFound,
    IdempotencyConflict,
    InsufficientFunds,
    ValidationError,
)
from domain.ledger import Channel
from tests.support.banking import account, customer, deposit, inr


def balance(bank: punq.Container, number: str) -> str:
    return bank.resolve(GetBalance).execute(None, number).balance.format()


def send(bank: punq.Container, who: object, source: str, destination: str, amount: str,
         key: str | None = None, description: str = "") -> object:
    return bank.resolve(TransferMoney).execute(TransferCommand(
        customer_id=who.id, from_account_number=source,  # type: ignore[attr-defined]
        to_account_number=destination, amount=inr(amount), description=description,
        channel=Channel.MOBILE, idempotency_key=key))


def test_open_account_with_opening_deposit(bank: punq.Container) -> None:
    asha = customer(bank)
    opened = account(bank, asha, "1000.00")
    assert len(opened.account_number) == 12
    assert balance(bank, opened.account_number) == "1000.00"
    listed = bank.resolve(ListAccounts).execute(asha.id)
    assert [a.account_number for a in listed] == [opened.account_number]
    assert bank.resolve(VerifyLedger).execute().ok


def test_deposit_and_withdraw(bank: punq.Container) -> None:
    asha = customer(bank)
    number = account(bank, asha).account_number
    deposit(bank, number, "500.25")
    bank.resolve(Withdraw).execute(CashCommand(number, inr("200.25"), Channel.ATM))
    assert balance(bank, number) == "300.00"
    with pytest.raises(InsufficientFunds):
        bank.resolve(Withdraw).execute(CashCommand(number, inr("300.01"), Channel.ATM))
    assert balance(bank, number) == "300.00"


def test_transfer_to_own_and_to_another_customers_account(bank: punq.Container) -> None:
    asha, ravi = customer(bank), customer(bank)
    savings, current = account(bank, asha, "1000.00"), account(bank, asha)
    ravis = account(bank, ravi)
    send(bank, asha, savings.account_number, current.account_number, "250.00")
    send(bank, asha, savings.account_number, ravis.account_number, "100.50", description="dinner")
    assert balance(bank, savings.account_number) == "649.50"
    assert balance(bank, current.account_number) == "250.00"
    assert balance(bank, ravis.account_number) == "100.50"
    report = bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems
    assert report.transfers == 3  # the opening deposit and two transfers


def test_insufficient_funds_moves_nothing(bank: punq.Container) -> None:
    asha, ravi = customer(bank), customer(bank)
    source, destination = account(bank, asha, "10.00"), account(bank, ravi)
    with pytest.raises(InsufficientFunds):
        send(bank, asha, source.account_number, destination.account_number, "10.01")
    assert (balance(bank, source.account_number), balance(bank, destination.account_number)) == \
        ("10.00", "0.00")


def test_cannot_spend_from_another_customers_account(bank: punq.Container) -> None:
    asha, mallory = customer(bank), customer(bank)
    victim = account(bank, asha, "500.00")
    own = account(bank, mallory)
    with pytest.raises(AccountNotFound):
        send(bank, mallory, victim.account_number, own.account_number, "1.00")
    with pytest.raises(AccountNotFound):
        bank.resolve(GetBalance).execute(mallory.id, victim.account_number)
    assert balance(bank, victim.account_number) == "500.00"


def test_unknown_destination_same_account_and_bank_accounts_are_refused(bank: punq.Container) -> None:
    asha = customer(bank)
    number = account(bank, asha, "500.00").account_number
    with pytest.raises(AccountNotFound):
        send(bank, asha, number, "999999999999", "1.00")
    with pytest.raises(AccountNotFound):
        send(bank, asha, number, "CASH-INR", "1.00")
    with pytest.raises(ValidationError):
        send(bank, asha, number, number, "1.00")
    with pytest.raises(ValidationError):
        send(bank, asha, number, "999999999999", "0.00")
    assert balance(bank, number) == "500.00"


def test_frozen_account_moves_no_money(bank: punq.Container) -> None:
    asha, ravi = customer(bank), customer(bank)
    source, destination = account(bank, asha, "500.00"), account(bank, ravi, "1.00")
    factory = bank.resolve(UnitOfWorkFactory)
    with factory(write=True) as uow:
        frozen = uow.accounts.by_number(destination.account_number)
        assert frozen is not None
        frozen.freeze()
        uow.accounts.update(frozen)
        uow.commit()
    with pytest.raises(AccountFrozen):
        send(bank, asha, source.account_number, destination.account_number, "5.00")
    with pytest.raises(AccountFrozen):
        bank.resolve(Withdraw).execute(CashCommand(destination.account_number, inr("1.00")))
    assert balance(bank, source.account_number) == "500.00"


def test_idempotent_retry_moves_money_once(bank: punq.Container) -> None:
    asha, ravi = customer(bank), customer(bank)
    source, destination = account(bank, asha, "500.00"), account(bank, ravi)
    first = send(bank, asha, source.account_number, destination.account_number, "100.00", key="k-1")
    again = send(bank, asha, source.account_number, destination.account_number, "100.00", key="k-1")
    assert again.transfer.id == first.transfer.id  # type: ignore[attr-defined]
    assert again.replayed and not first.replayed  # type: ignore[attr-defined]
    assert balance(bank, source.account_number) == "400.00"
    with pytest.raises(IdempotencyConflict):
        send(bank, asha, source.account_number, destination.account_number, "100.01", key="k-1")
    # Keys belong to their customer: Ravi may use the same string for his own request.
    back = send(bank, ravi, destination.account_number, source.account_number, "10.00", key="k-1")
    assert not back.replayed  # type: ignore[attr-defined]
    assert balance(bank, source.account_number) == "410.00"


def test_rollback_leaves_no_trace(bank: punq.Container) -> None:
    asha = customer(bank)
    number = account(bank, asha, "100.00").account_number
    factory = bank.resolve(UnitOfWorkFactory)
    with factory(write=True) as uow:
        changed = uow.accounts.by_number(number)
        assert changed is not None
        changed.credit(inr("900.00"))
        uow.accounts.update(changed)
        # no commit: leaving the block rolls back
    assert balance(bank, number) == "100.00"
    with pytest.raises(RuntimeError), factory(write=True) as uow:
        changed = uow.accounts.by_number(number)
        assert changed is not None
        changed.credit(inr("900.00"))
        uow.accounts.update(changed)
        raise RuntimeError("crash before commit")
    assert balance(bank, number) == "100.00"


def test_a_retry_that_raced_its_first_attempt_is_answered_as_a_replay(
        bank: punq.Container, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two requests with one key, both past the key check before either stored it: the one
    that stores it second moves nothing and answers with the first's transfer. (On
    PostgreSQL the second finds the key taken at its commit, where its row is sent.)"""
    from adapters.memory.ledger_repositories import MemoryTransfers
    from adapters.sql.repositories import SqlTransfers

    asha, ravi = customer(bank), customer(bank)
    source, destination = account(bank, asha, "500.00"), account(bank, ravi)
    first = send(bank, asha, source.account_number, destination.account_number, "100.00", key="k")
    missed: list[bool] = []
    stored: list[bool] = []  # set once the racing request has stored its row
    for repository in (MemoryTransfers, SqlTransfers):
        looked_up, adding = repository.by_idempotency_key, repository.add

        def late(self: object, scope: str, key: str, _real: object = looked_up) -> object:
            if not stored:  # every look (before the turn, in it) came before the first stored
                missed.append(True)
                return None
            return _real(self, scope, key)  # type: ignore[operator]

        def add(self: object, transfer: object, _real: object = adding) -> object:
            stored.append(True)
            return _real(self, transfer)  # type: ignore[operator]
        monkeypatch.setattr(repository, "by_idempotency_key", late)
        monkeypatch.setattr(repository, "add", add)
    again = send(bank, asha, source.account_number, destination.account_number, "100.00", key="k")
    assert missed and stored  # the race happened: the key was found taken only when stored
    assert again.replayed and again.transfer.id == first.transfer.id  # type: ignore[attr-defined]
    assert balance(bank, source.account_number) == "400.00"
    assert balance(bank, destination.account_number) == "100.00"
    assert bank.resolve(VerifyLedger).execute().ok


def test_a_retry_during_another_writers_transaction_replays_and_moves_nothing(
        bank: punq.Container, profile: str) -> None:
    """A retry arrives while another transaction writes. Where writers take turns (SQLite's one
    writer, the memory store's lock) it waits for that transaction like any write, then is
    answered from its key; on PostgreSQL, whose writers lock only the rows they change, it
    waits for nobody. Either way it posts nothing a second time."""
    asha, ravi = customer(bank), customer(bank)
    source, destination = account(bank, asha, "500.00"), account(bank, ravi)
    first = send(bank, asha, source.account_number, destination.account_number, "100.00", key="r")
    factory = bank.resolve(UnitOfWorkFactory)
    held, done = threading.Event(), threading.Event()

    def write_slowly() -> None:
        with factory(write=True):
            held.set()
            done.wait(60)
    with ThreadPoolExecutor(2) as pool:
        writer = pool.submit(write_slowly)
        try:
            assert held.wait(30)
            retry = pool.submit(send, bank, asha, source.account_number,
                                destination.account_number, "100.00", "r")
            if profile == "postgresql":
                retry.result(timeout=30)  # answered while the other transaction is open
        finally:
            done.set()
        again = retry.result(timeout=30)
        writer.result(timeout=30)
    assert again.replayed and again.transfer.id == first.transfer.id  # type: ignore[attr-defined]
    assert balance(bank, source.account_number) == "400.00"
