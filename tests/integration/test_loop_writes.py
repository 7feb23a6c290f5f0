"""Writes in place (`InPlace.writes`): on SQLite a server's event loop runs a request's write
in place when the writer turn is free, and otherwise refuses at once having written nothing
(the request then goes to a worker thread, which may wait). Never on PostgreSQL or the memory store."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import punq
import pytest
from sqlalchemy.exc import OperationalError

from adapters.sql.sqlite import checkpointer
from adapters.sql.sqlite.in_place import LOOP_BUSY_TIMEOUT_MS, InPlace, Written
from adapters.sql.sqlite.one_writer import Refusal, WriterTurn
from adapters.sql.sqlite.would_wait import ReadWouldWait, WriterTurnTaken, WriteWouldWait
from adapters.sql.sqlite.write_pace import WritePace
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    GetBalance,
    TransferCommand,
    TransferMoney,
    VerifyAuditTrail,
    VerifyLedger,
)
from domain.errors import InsufficientFunds
from tests.support.banking import account, customer, inr

SQLITE = pytest.mark.parametrize("profile", ["sqlite"], indirect=True)


def test_writes_in_place_are_for_sqlite_only(bank: punq.Container, profile: str) -> None:
    factory = bank.resolve(UnitOfWorkFactory)
    assert (getattr(factory, "in_place", None) is not None) == (profile == "sqlite")


class _Block:
    """A request's writes in place, reusable as a `with` block; `pending` after it."""

    def __init__(self, in_place: InPlace) -> None:
        self._in_place = in_place
        self._written = Written()
        self.pending = False

    def __enter__(self) -> None:
        self._writes = self._in_place.writes()
        self._written = self._writes.__enter__()

    def __exit__(self, *exc: object) -> bool | None:
        try:
            return self._writes.__exit__(*exc)  # type: ignore[arg-type]
        finally:
            self.pending = self._written.pending


class _Bank:
    """Asha's two accounts, and transfers between them."""

    def __init__(self, bank: punq.Container) -> None:
        self.factory = bank.resolve(UnitOfWorkFactory)
        self._transfer = bank.resolve(TransferMoney)
        self._balance = bank.resolve(GetBalance)
        self.asha = customer(bank)
        self.source = account(bank, self.asha, "100.00").account_number
        self.target = account(bank, self.asha).account_number
        self.database = str(self.factory.engine.url.database)  # type: ignore[attr-defined]
        self.in_place: InPlace = self.factory.in_place  # type: ignore[attr-defined]

    def move(self, amount: str, key: str) -> None:
        self._transfer.execute(TransferCommand(
            customer_id=self.asha.id, from_account_number=self.source,
            to_account_number=self.target, amount=inr(amount), idempotency_key=key))

    def moved(self) -> object:
        return self._balance.execute(self.asha.id, self.target).balance

    def turn_is_free(self) -> bool:
        """Whether another process could take the writer turn right now."""
        other = WriterTurn(self.database)  # another process's turn, as far as flock can tell
        try:
            if other.try_acquire() is not None:
                return False
            other.release()
            return True
        finally:
            other.close()

    def block(self) -> _Block:
        """A block of writes in place, left to share the loop's transaction with the next."""
        return _Block(self.in_place)

    def writes(self) -> AbstractContextManager[None]:
        """A block of writes in place, committed at its end as the HTTP layer commits them."""
        writes = self.block()

        @contextmanager
        def committed_after() -> Iterator[None]:
            try:
                with writes:
                    yield
            finally:
                self.in_place.commit()
        return committed_after()


@SQLITE
def test_a_write_in_place_commits_and_gives_the_turn_back(bank: punq.Container) -> None:
    asha = _Bank(bank)
    with asha.writes():
        asha.move("10.00", "in-place-1")
        asha.move("5.00", "in-place-2")  # a second one in the block: the turn is still ours
    assert asha.moved() == inr("15.00")
    assert asha.turn_is_free()


@SQLITE
def test_a_refused_write_in_place_also_gives_the_turn_back(bank: punq.Container) -> None:
    asha = _Bank(bank)
    with pytest.raises(InsufficientFunds), asha.writes():
        asha.move("500.00", "too-much")
    assert asha.moved() == inr("0.00")
    with asha.writes():
        asha.move("1.00", "after-a-refusal")
    assert asha.moved() == inr("1.00")


@SQLITE
def test_while_another_process_writes_a_thread_waits_for_the_turn_and_keeps_it_for_the_loop(
        bank: punq.Container) -> None:
    """Another worker, or an operator's command, has the turn: nothing is written in place; a
    worker thread waits for the turn and keeps it for the loop's next block, which writes
    without asking again, and its commit gives the turn back."""
    asha = _Bank(bank)
    other = WriterTurn(asha.database)  # another process's turn, as far as flock can tell
    other.acquire()
    started = time.monotonic()
    with pytest.raises(WriterTurnTaken, match="another process"), asha.writes():
        asha.move("10.00", "while-taken")
    assert time.monotonic() - started < 1  # refused at once
    waited: list[bool] = []
    waiter = threading.Thread(target=lambda: waited.append(asha.in_place.wait_for_turn() is None))
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive()  # waits for the other process
    other.release()
    waiter.join(10)
    assert waited == [True]
    assert other.try_acquire() is Refusal.ANOTHER_PROCESS  # kept for the loop
    other.close()
    with asha.writes():
        asha.move("10.00", "while-taken")
    assert asha.turn_is_free()  # given back with the commit
    assert asha.moved() == inr("10.00")


@SQLITE
def test_a_turn_kept_for_the_loop_that_no_write_takes_is_given_back_once(
        bank: punq.Container) -> None:
    asha = _Bank(bank)
    asha.in_place.wait_for_turn()
    assert not asha.turn_is_free()
    asha.in_place.give_back_turn()
    asha.in_place.give_back_turn()  # nothing more to give back
    assert asha.turn_is_free()
    with asha.writes():  # the loop asks for the turn afresh, and gets it
        asha.move("1.00", "after-a-kept-turn")
    assert asha.moved() == inr("1.00")


@SQLITE
def test_a_thread_of_its_own_process_writing_makes_the_loop_refuse_but_not_stop(
        bank: punq.Container) -> None:
    asha = _Bank(bank)
    writing, done = threading.Event(), threading.Event()

    def write_on_a_thread() -> None:
        with asha.factory(write=True) as uow:  # holds the turn until told to finish
            writing.set()
            done.wait(10)
            uow.commit()
    thread = threading.Thread(target=write_on_a_thread)
    thread.start()
    assert writing.wait(10)
    with pytest.raises(WriteWouldWait, match="this process"), asha.writes():
        asha.move("10.00", "beside-a-thread")
    done.set()
    thread.join(10)
    with asha.writes():  # not paused
        asha.move("10.00", "beside-a-thread")
    assert asha.moved() == inr("10.00")


@contextmanager
def _written_outside_vaani(database: str) -> Iterator[None]:
    """A writer that takes no turn (the sqlite3 shell, a backup script) holds the write lock."""
    outsider = sqlite3.connect(database, isolation_level=None)
    try:
        outsider.execute("BEGIN IMMEDIATE")
        yield
        outsider.execute("ROLLBACK")
    finally:
        outsider.close()


@SQLITE
def test_a_writer_outside_vaani_makes_the_loop_refuse_after_a_brief_wait(
        bank: punq.Container) -> None:
    asha = _Bank(bank)
    writes = asha.writes()
    with _written_outside_vaani(asha.database):
        started = time.monotonic()
        with pytest.raises(WriteWouldWait), writes:
            asha.move("10.00", "outsider")
        waited = time.monotonic() - started
        assert LOOP_BUSY_TIMEOUT_MS / 1000 <= waited < 1
    asha.move("10.00", "outsider")  # on a worker thread, which opens the loop its connection
    with asha.writes():
        asha.move("1.00", "after-the-outsider")
    assert asha.moved() == inr("11.00")


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@SQLITE
def test_a_slow_write_in_place_sends_writes_to_threads_for_a_while(bank: punq.Container) -> None:
    """A slow disk: the loop, which serves every request of its worker, stops writing for a
    while. One slow write is not enough: a disk has its hiccups. The writes' durations come
    from the clock given to the pace, never from this machine's speed."""
    asha = _Bank(bank)
    clock = _Clock()
    asha.in_place.pace = WritePace(clock, slow_write_s=0.005, pause_s=1.0)
    with asha.writes():
        asha.move("1.00", "slow")
        clock.now += 0.04  # the average, a tenth of this: 4 ms
    assert asha.in_place.writes_open()
    with asha.writes():
        asha.move("1.00", "slower")
        clock.now += 0.04  # 7.6 ms: over the threshold
    assert not asha.in_place.writes_open()
    clock.now += 0.99
    assert not asha.in_place.writes_open()
    clock.now += 0.02
    assert asha.in_place.writes_open()
    with asha.writes():  # measured afresh: one quick write does not pause them again
        asha.move("1.00", "quick")
    assert asha.in_place.writes_open()
    assert asha.moved() == inr("3.00")


@SQLITE
def test_a_refusal_after_a_commit_is_an_error_not_a_second_run(bank: punq.Container) -> None:
    """A request refused in place is run again on a worker thread: only safe while nothing of
    it was committed. Should a refusal ever come after a commit, it is raised as an error."""
    asha = _Bank(bank)
    with pytest.raises(RuntimeError, match="after it had committed"), asha.writes():
        asha.move("10.00", "committed-then-refused")
        raise ReadWouldWait("a read after the commit found the file locked")
    assert asha.moved() == inr("10.00")
    with pytest.raises(WriteWouldWait), asha.writes():  # before a commit: a plain refusal
        raise WriteWouldWait("refused before anything was written")


def _verified(bank: punq.Container) -> None:
    assert bank.resolve(VerifyLedger).execute().ok
    assert bank.resolve(VerifyAuditTrail).execute().ok


@SQLITE
def test_blocks_share_one_transaction_that_nobody_sees_until_it_commits(
        bank: punq.Container) -> None:
    """Writes in place of several requests commit together: until then another connection
    sees none of them, and the writer turn stays taken; then all of them, at once."""
    asha = _Bank(bank)
    for key, amount in (("shared-1", "10.00"), ("shared-2", "5.00")):
        block = asha.block()
        with block:
            asha.move(amount, key)
        assert block.pending  # told to nobody yet
    assert asha.moved() == inr("0.00")  # read on a connection of its own
    other = WriterTurn(asha.database)
    assert other.try_acquire() is not None  # still ours
    assert asha.in_place.commit() == 2
    assert asha.moved() == inr("15.00")
    assert other.try_acquire() is None  # given back
    other.release()
    other.close()
    _verified(bank)  # two records sealed one after the other in one transaction


@SQLITE
def test_a_refusal_among_shared_writes_undoes_only_its_own(bank: punq.Container) -> None:
    asha = _Bank(bank)
    with asha.writes():  # committed at its end; the next ones share a transaction
        asha.move("10.00", "before")
    for key, amount in (("first", "20.00"), ("too-much", "500.00"), ("third", "30.00")):
        try:
            with asha.block():
                asha.move(amount, key)
        except InsufficientFunds:
            assert key == "too-much"
    assert asha.in_place.commit() == 2
    assert asha.moved() == inr("60.00")
    _verified(bank)
    with pytest.raises(InsufficientFunds):  # nothing of it was kept: the key is free
        asha.move("500.00", "too-much")
    assert asha.moved() == inr("60.00")


@SQLITE
def test_a_transaction_the_database_rolled_back_commits_none_of_the_writes_that_shared_it(
        bank: punq.Container) -> None:
    """SQLite rolls a whole transaction back on some errors (a full disk, an I/O error): the
    writes before it are gone, and neither they nor the ones after it may be told done."""
    asha = _Bank(bank)
    block = asha.block()
    with block:
        asha.move("10.00", "lost-1")
    loop_connection = asha.in_place._open.driver  # type: ignore[union-attr]
    loop_connection.execute("ROLLBACK")  # as SQLite does after SQLITE_FULL
    block = asha.block()
    with pytest.raises(OperationalError), block:
        asha.move("5.00", "lost-2")
    with pytest.raises(OperationalError):
        asha.in_place.commit()
    assert asha.moved() == inr("0.00")
    asha.move("10.00", "lost-1")  # the retry, on a worker thread: posts, once
    with asha.writes():
        asha.move("5.00", "lost-2")
    assert asha.moved() == inr("15.00")
    _verified(bank)


@SQLITE
def test_a_write_outside_a_block_while_writes_in_place_wait_is_an_error_not_a_deadlock(
        bank: punq.Container) -> None:
    asha = _Bank(bank)
    block = asha.block()
    with block:
        asha.move("10.00", "open")
    with pytest.raises(RuntimeError, match="not committed yet"):
        asha.move("1.00", "outside")  # would wait for the turn its own thread holds
    asha.in_place.commit()
    assert asha.moved() == inr("10.00")


@SQLITE
def test_a_shutdown_rolls_back_writes_in_place_told_to_nobody(bank: punq.Container) -> None:
    asha = _Bank(bank)
    block = asha.block()
    with block:
        asha.move("10.00", "never-told")
    asha.factory.close()  # as the server's shutdown does
    with sqlite3.connect(asha.database) as file:
        found = file.execute("SELECT count(*) FROM transfers WHERE idempotency_key = ?",
                             ("never-told",)).fetchone()
    assert found == (0,)


@SQLITE
def test_every_writers_commits_leave_wal_checkpoints_to_a_thread(
        bank: punq.Container, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkpoint in a COMMIT would run while its writer holds the writer turn, so every
    other writer would wait for it to sync the file; in the loop's, the whole worker would."""
    asha = _Bank(bank)
    # Set after the set-up, whose few commits leave no checkpoint under way that could finish
    # after `before` is read (it did, once, on a busy machine).
    monkeypatch.setattr(checkpointer, "CHECKPOINT_EVERY", 2)
    factory = asha.factory
    ran = factory._checkpointer  # type: ignore[attr-defined]

    def checkpoints_after(commits: Callable[[], None], expected: int) -> None:
        commits()
        deadline = time.monotonic() + 10
        while ran.checkpoints < expected and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ran.checkpoints == expected

    def on_worker_threads() -> None:  # as a server's first writes and a CLI command's are
        for n in range(2):
            asha.move("1.00", f"thread-{n}")

    def in_place() -> None:
        for n in range(2):
            with asha.writes():
                asha.move("1.00", f"in-place-{n}")

    before = ran.checkpoints
    # Two commits make one checkpoint, whichever count the bank's own set-up left.
    checkpoints_after(on_worker_threads, before + 1)
    checkpoints_after(in_place, before + 2)
    for kept in (factory._writers, asha.in_place._writers):  # type: ignore[attr-defined]
        writer = kept.take()
        try:  # on the driver: Core would begin a writer's transaction first
            driver = writer.connection.dbapi_connection
            assert driver.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
        finally:
            kept.give_back(writer, healthy=True)
    assert asha.moved() == inr("4.00")


@SQLITE
def test_under_steady_writes_in_place_the_log_starts_again_rather_than_grow_without_end(
        bank: punq.Container, monkeypatch: pytest.MonkeyPatch) -> None:
    """The loop commits while the thread copies the log back: a second pass with the writer
    turn lets the next writer start the log again. Without it, every commit here added to the
    log (62 MiB after these 600 transfers)."""
    monkeypatch.setattr(checkpointer, "CHECKPOINT_EVERY", 4)
    monkeypatch.setattr(checkpointer, "RESTART_AFTER_FRAMES", 200)
    asha = _Bank(bank)
    asha.move("1.00", "opens-the-loop-connection")
    for n in range(600):
        try:
            with asha.writes():
                asha.move("0.10", f"steady-{n}")
        except WriteWouldWait:  # the second pass has the turn: written as on a worker thread
            asha.move("0.10", f"steady-{n}")
    log = Path(f"{asha.database}-wal").stat().st_size
    assert log < 8 * 2**20, f"the log grew to {log / 2**20:.0f} MiB"
    assert asha.moved() == inr("61.00")
    # Given back after each second pass: the thread may be in one right now (it was, once in
    # a full run), so wait for it to end; a turn never given back would never come free.
    deadline = time.monotonic() + 10
    while not asha.turn_is_free() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert asha.turn_is_free()
