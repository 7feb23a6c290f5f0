"""`request_reads`: a request's session check and its read share one connection, on every
profile, without changing what either answers, and without swallowing writes."""

from __future__ import annotations

import contextvars
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

import punq
import pytest
import sqlalchemy as sa

from adapters.sql.engine import PING_AFTER_IDLE_SECONDS, database_unavailable
from adapters.sql.kept_connections import kept_per_kind
from adapters.sql.sqlite.in_place import LOOP_BUSY_TIMEOUT_MS
from adapters.sql.sqlite.would_wait import ReadWouldWait
from application.ports import UnitOfWorkFactory
from application.use_cases import GetBalance, TransferCommand, TransferMoney
from domain.errors import AccountNotFound
from tests.support.banking import account, customer, inr


def _request_reads(factory: UnitOfWorkFactory) -> AbstractContextManager[None]:
    """The SQL factory's shared reads; the memory store's reads already see one store."""
    reads: Callable[[], AbstractContextManager[None]] = getattr(
        factory, "request_reads", nullcontext)
    return reads()


def test_reads_inside_answer_as_outside_and_a_miss_spoils_nothing(bank: punq.Container) -> None:
    factory = bank.resolve(UnitOfWorkFactory)
    balance = bank.resolve(GetBalance)
    asha = customer(bank)
    mine = account(bank, asha, "100.00").account_number
    with _request_reads(factory):
        with pytest.raises(AccountNotFound):
            balance.execute(asha.id, "000000000000")
        assert balance.execute(asha.id, mine).balance == inr("100.00")
        assert balance.execute(asha.id, mine).balance == inr("100.00")  # and again
    assert balance.execute(asha.id, mine).balance == inr("100.00")


def test_a_transfer_inside_commits_in_its_own_transaction(bank: punq.Container) -> None:
    factory = bank.resolve(UnitOfWorkFactory)
    asha = customer(bank)
    source = account(bank, asha, "100.00").account_number
    target = account(bank, asha).account_number
    with _request_reads(factory):
        bank.resolve(TransferMoney).execute(TransferCommand(
            customer_id=asha.id, from_account_number=source, to_account_number=target,
            amount=inr("30.00"), idempotency_key="inside-a-read"))
    assert bank.resolve(GetBalance).execute(asha.id, target).balance == inr("30.00")
    assert bank.resolve(GetBalance).execute(asha.id, source).balance == inr("70.00")


@pytest.mark.parametrize("profile", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgresql)],
                         indirect=True)  # the memory store has no transactions to share
def test_a_request_scope_carried_to_another_thread_is_refused_not_shared(
        bank: punq.Container) -> None:
    """A context copied to a worker thread (as `asyncio.to_thread` copies it) would carry the
    request's connection with it: two threads on one connection. Refused instead."""
    factory = bank.resolve(UnitOfWorkFactory)
    found: list[BaseException] = []

    def elsewhere() -> None:
        try:
            factory()
        except RuntimeError as error:
            found.append(error)
    with _request_reads(factory):
        carried = contextvars.copy_context()
        thread = threading.Thread(target=carried.run, args=(elsewhere,))
        thread.start()
        thread.join(10)
    assert len(found) == 1 and "another thread" in str(found[0])


@pytest.mark.parametrize("profile", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgresql)],
                         indirect=True)  # the memory store has no transactions to share
def test_the_shared_transaction_belongs_to_its_thread_and_ends_with_the_block(
        bank: punq.Container) -> None:
    factory = bank.resolve(UnitOfWorkFactory)
    seen: list[object] = []
    with _request_reads(factory):
        with factory() as first, factory() as second:
            assert first is second
        other = threading.Thread(target=lambda: seen.append(factory()))
        other.start()
        other.join()
        assert seen[0] is not first  # another request's thread opens its own
        with factory() as reading, pytest.raises(AssertionError):
            reading.commit()  # a shared read transaction commits nothing
    with factory() as after:
        assert after is not first


@pytest.mark.parametrize("profile", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgresql)],
                         indirect=True)
def test_a_reader_sees_one_snapshot_while_money_moves(bank: punq.Container) -> None:
    """What `vaani ledger verify` needs on a live bank: its reads agree with each other."""
    factory = bank.resolve(UnitOfWorkFactory)
    asha = customer(bank)
    source = account(bank, asha, "100.00").account_number
    target = account(bank, asha).account_number
    with factory() as reading:
        before = reading.accounts.by_number(source)
        bank.resolve(TransferMoney).execute(TransferCommand(  # commits on another connection
            customer_id=asha.id, from_account_number=source, to_account_number=target,
            amount=inr("30.00"), idempotency_key="while-reading"))
        again, other = reading.accounts.by_number(source), reading.accounts.by_number(target)
    assert before is not None and again is not None and other is not None
    assert again.balance == before.balance == inr("100.00")
    assert other.balance == inr("0.00")  # not half of the transfer either
    assert bank.resolve(GetBalance).execute(asha.id, target).balance == inr("30.00")


@pytest.mark.parametrize("profile", [pytest.param("postgresql", marks=pytest.mark.postgresql)],
                         indirect=True)
def test_on_postgresql_a_requests_reads_run_statement_by_statement(bank: punq.Container) -> None:
    """No BEGIN and ROLLBACK around a request's reads: its second read sees what committed
    after its first (each is one statement, answered on its own), unlike a plain reader."""
    factory = bank.resolve(UnitOfWorkFactory)
    balance = bank.resolve(GetBalance)
    asha = customer(bank)
    source = account(bank, asha, "100.00").account_number
    target = account(bank, asha).account_number
    with _request_reads(factory):
        assert balance.execute(asha.id, source).balance == inr("100.00")
        bank.resolve(TransferMoney).execute(TransferCommand(
            customer_id=asha.id, from_account_number=source, to_account_number=target,
            amount=inr("30.00"), idempotency_key="between-two-reads"))
        assert balance.execute(asha.id, source).balance == inr("70.00")


@pytest.mark.parametrize("profile", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgresql)],
                         indirect=True)
def test_request_readers_are_kept_between_requests_and_closed_at_shutdown(
        bank: punq.Container) -> None:
    factory = bank.resolve(UnitOfWorkFactory)
    asha = customer(bank)
    mine = account(bank, asha, "100.00").account_number
    balance = bank.resolve(GetBalance)
    pool = factory.engine.pool  # type: ignore[attr-defined]
    kept = kept_per_kind(pool.size())
    assert kept >= 2
    # The writer kept from making the customer and account; on SQLite, the event loop's
    # writer too (opened by that writer's thread).
    in_place = int(getattr(factory, "in_place", None) is not None)
    writing = pool.checkedout()
    assert writing == 1 + in_place
    for _ in range(3):
        with _request_reads(factory):
            assert balance.execute(asha.id, mine).balance == inr("100.00")
    writing += in_place  # SQLite: the event loop's reader, too
    assert pool.checkedout() == writing + 1  # one kept reader, not one per request
    inside = threading.Barrier(kept + 2)

    def read_alongside() -> None:
        with _request_reads(factory):
            balance.execute(asha.id, mine)
            inside.wait(10)
    crowd = [threading.Thread(target=read_alongside) for _ in range(kept + 2)]
    for thread in crowd:
        thread.start()
    for thread in crowd:
        thread.join()
    assert pool.checkedout() == writing + kept  # readers past the kept went back
    factory.close()  # graceful shutdown: every connection goes back and is closed
    assert pool.checkedout() == 0


@pytest.mark.parametrize("profile", [pytest.param("postgresql", marks=pytest.mark.postgresql)],
                         indirect=True)
def test_a_kept_reader_the_server_dropped_fails_once_and_is_replaced(
        bank: punq.Container) -> None:
    """Like a request in flight during a restart: refused as `database unavailable` (503, to be
    retried), and not kept; a reader idle for a while is checked before it is used again."""
    factory = bank.resolve(UnitOfWorkFactory)
    balance = bank.resolve(GetBalance)
    asha = customer(bank)
    mine = account(bank, asha, "100.00").account_number

    def end_the_kept_reader() -> None:
        with _request_reads(factory), factory() as reading:
            pid = int(reading.connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
        with factory(write=True) as killing:  # another connection; waits until it is gone
            killing.connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid}, 10000)")

    end_the_kept_reader()
    with pytest.raises(sa.exc.DBAPIError) as raised, _request_reads(factory):
        balance.execute(asha.id, mine)
    assert database_unavailable(raised.value)
    with _request_reads(factory):  # a fresh connection
        assert balance.execute(asha.id, mine).balance == inr("100.00")
    end_the_kept_reader()
    time.sleep(PING_AFTER_IDLE_SECONDS + 0.1)
    with _request_reads(factory):  # idle long enough: pinged, found dead, replaced
        assert balance.execute(asha.id, mine).balance == inr("100.00")
    for _ in range(25):  # and it went nowhere else: every pooled connection works
        with factory() as reading:
            assert reading.accounts.by_number(mine) is not None


def _busy_timeout(factory: UnitOfWorkFactory, **how: bool) -> int:
    with factory(**how) as uow:
        return int(uow.connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one())


@contextmanager
def _file_held_exclusively(database: str) -> Iterator[None]:
    """An outsider that keeps the whole file to itself (exclusive locking mode): the one kind
    of lock a WAL reader must wait for, besides a crashed writer's recovery."""
    outsider = sqlite3.connect(database, isolation_level=None)
    try:
        outsider.execute("PRAGMA locking_mode=EXCLUSIVE")
        outsider.execute("BEGIN EXCLUSIVE")
        outsider.execute("ROLLBACK")  # the lock stays until the connection closes
        yield
    finally:
        outsider.close()


def test_reads_in_place_are_for_sqlite_only(bank: punq.Container, profile: str) -> None:
    """PostgreSQL reads are round trips to a server, the memory store's belong to its tests:
    neither runs on the event loop."""
    factory = bank.resolve(UnitOfWorkFactory)
    assert (getattr(factory, "in_place", None) is not None) == (profile == "sqlite")


@pytest.mark.parametrize("profile", ["sqlite"], indirect=True)
def test_reads_in_place_never_open_the_file_and_answer_as_a_request_read(
        bank: punq.Container) -> None:
    """Opening a file may wait for its locks (30 s): the event loop reads only on a connection
    a worker thread opened, and refuses at once without one."""
    factory = bank.resolve(UnitOfWorkFactory)
    balance = bank.resolve(GetBalance)
    asha = customer(bank)
    mine = account(bank, asha, "100.00").account_number
    factory.close()  # as in a process that has not served a request yet
    with _file_held_exclusively(factory.engine.url.database):  # type: ignore[attr-defined]
        started = time.monotonic()
        with pytest.raises(ReadWouldWait), factory.in_place.reads():  # type: ignore[attr-defined]
            balance.execute(asha.id, mine)
        assert time.monotonic() - started < 1
    with _request_reads(factory):  # a worker thread's reads open the loop's connection too
        assert balance.execute(asha.id, mine).balance == inr("100.00")
    for _ in range(2):
        with factory.in_place.reads():  # type: ignore[attr-defined]
            with pytest.raises(AccountNotFound):
                balance.execute(asha.id, "000000000000")
            assert balance.execute(asha.id, mine).balance == inr("100.00")
            with factory() as reading:  # should a lock come its way, it waits only briefly
                assert reading.connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one() \
                    == LOOP_BUSY_TIMEOUT_MS
    # Its short patience stayed with it: the pool's connections wait the full
    # VAANI_DB_WAIT_SECONDS (5 s unless configured).
    for how in ({}, {"write": True}):
        assert _busy_timeout(factory, **how) == 5_000
