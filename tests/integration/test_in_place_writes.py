"""Writes in place (`InPlace.writes`): on SQLite a server's event loop runs a request's write
in place when the writer turn is free, and otherwise refuses at once having written nothing
(the request then goes to a worker thread, which may wait). Never on PostgreSQL or the memory
store."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import punq
import pytest

from adapters.sql.sqlite.in_place import LOOP_BUSY_TIMEOUT_MS
from adapters.sql.sqlite.one_writer import Refusal, WriterTurn
from adapters.sql.sqlite.would_wait import ReadWouldWait, WriterTurnTaken, WriteWouldWait
from adapters.sql.sqlite.write_pace import WritePace
from application.ports import UnitOfWorkFactory
from domain.errors import InsufficientFunds
from tests.support.banking import inr
from tests.support.in_place import InPlaceBank

SQLITE = pytest.mark.parametrize("profile", ["sqlite"], indirect=True)


def test_writes_in_place_are_for_sqlite_only(bank: punq.Container, profile: str) -> None:
    factory = bank.resolve(UnitOfWorkFactory)
    assert (getattr(factory, "in_place", None) is not None) == (profile == "sqlite")


@SQLITE
def test_a_write_in_place_commits_and_gives_the_turn_back(bank: punq.Container) -> None:
    asha = InPlaceBank(bank)
    with asha.writes():
        asha.move("10.00", "in-place-1")
        asha.move("5.00", "in-place-2")  # a second one in the block: the turn is still ours
    assert asha.moved() == inr("15.00")
    assert asha.turn_is_free()


@SQLITE
def test_a_refused_write_in_place_also_gives_the_turn_back(bank: punq.Container) -> None:
    asha = InPlaceBank(bank)
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
    asha = InPlaceBank(bank)
    other = WriterTurn(asha.database)  # another process's turn, as far as flock can tell
    other.acquire()
    started = time.monotonic()
    with pytest.raises(WriterTurnTaken, match="another process"), asha.writes():
        asha.move("10.00", "while-taken")
    assert time.monotonic() - started < 1  # refused at once
    waited: list[bool] = []

    def wait() -> None:
        asha.in_place.wait_for_turn()
        waited.append(True)
    waiter = threading.Thread(target=wait)
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
    asha = InPlaceBank(bank)
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
    asha = InPlaceBank(bank)
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
    asha = InPlaceBank(bank)
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
    asha = InPlaceBank(bank)
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
    asha = InPlaceBank(bank)
    with pytest.raises(RuntimeError, match="after it had committed"), asha.writes():
        asha.move("10.00", "committed-then-refused")
        raise ReadWouldWait("a read after the commit found the file locked")
    assert asha.moved() == inr("10.00")
    with pytest.raises(WriteWouldWait), asha.writes():  # before a commit: a plain refusal
        raise WriteWouldWait("refused before anything was written")
