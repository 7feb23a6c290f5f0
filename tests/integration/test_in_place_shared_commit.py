"""Writes in place share one transaction until `InPlace.commit`: nobody sees them before, a
refusal undoes its own, a transaction SQLite rolled back commits none of them, a shutdown rolls
them back, and their commits leave WAL checkpoints to a thread."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import punq
import pytest
from sqlalchemy.exc import OperationalError

from adapters.sql.sqlite import checkpointer
from adapters.sql.sqlite.one_writer import WriterTurn
from adapters.sql.sqlite.would_wait import WriteWouldWait
from domain.errors import InsufficientFunds
from tests.support.banking import inr
from tests.support.in_place import InPlaceBank, verified

SQLITE = pytest.mark.parametrize("profile", ["sqlite"], indirect=True)


@SQLITE
def test_blocks_share_one_transaction_that_nobody_sees_until_it_commits(
        bank: punq.Container) -> None:
    """Writes in place of several requests commit together: until then another connection
    sees none of them, and the writer turn stays taken; then all of them, at once."""
    asha = InPlaceBank(bank)
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
    verified(bank)  # two records sealed one after the other in one transaction


@SQLITE
def test_a_refusal_among_shared_writes_undoes_only_its_own(bank: punq.Container) -> None:
    asha = InPlaceBank(bank)
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
    verified(bank)
    with pytest.raises(InsufficientFunds):  # nothing of it was kept: the key is free
        asha.move("500.00", "too-much")
    assert asha.moved() == inr("60.00")


@SQLITE
def test_a_transaction_the_database_rolled_back_commits_none_of_the_writes_that_shared_it(
        bank: punq.Container) -> None:
    """SQLite rolls a whole transaction back on some errors (a full disk, an I/O error): the
    writes before it are gone, and neither they nor the ones after it may be told done."""
    asha = InPlaceBank(bank)
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
    verified(bank)


@SQLITE
def test_a_write_outside_a_block_while_writes_in_place_wait_is_an_error_not_a_deadlock(
        bank: punq.Container) -> None:
    asha = InPlaceBank(bank)
    block = asha.block()
    with block:
        asha.move("10.00", "open")
    with pytest.raises(RuntimeError, match="not committed yet"):
        asha.move("1.00", "outside")  # would wait for the turn its own thread holds
    asha.in_place.commit()
    assert asha.moved() == inr("10.00")


@SQLITE
def test_a_shutdown_rolls_back_writes_in_place_told_to_nobody(bank: punq.Container) -> None:
    asha = InPlaceBank(bank)
    block = asha.block()
    with block:
        asha.move("10.00", "never-told")
    asha.factory.close()  # as the server's shutdown does
    with sqlite3.connect(asha.database) as file:
        found = file.execute("SELECT count(*) FROM transfers WHERE idempotency_key = ?",
                             ("never-told",)).fetchone()
    assert found == (0,)
    # A write still waiting for the commit (its answer not sent) is told it failed, never
    # that it posted: the group commit's next commit raises.
    with pytest.raises(sqlite3.OperationalError, match="shut down"):
        asha.in_place.commit()


@SQLITE
def test_every_writers_commits_leave_wal_checkpoints_to_a_thread(
        bank: punq.Container, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkpoint in a COMMIT would run while its writer holds the writer turn, so every
    other writer would wait for it to sync the file; in the loop's, the whole worker would."""
    asha = InPlaceBank(bank)
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
    asha = InPlaceBank(bank)
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
