"""SQLite writers of different processes take turns: one waits for the other to finish, a
writer killed while writing never leaves the turn taken, a forked child is a writer of its
own, not a second holder of its parent's turn, and no writer waits longer than its wait."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from adapters.sql.engine import database_unavailable
from adapters.sql.sqlite.one_writer import DatabaseBusy, Refusal, WriterTurn
from application.ports import UnitOfWorkFactory
from application.use_cases import GetBalance, TransferCommand, TransferMoney
from entrypoints.bootstrap import bootstrap, prepare_database
from tests.conftest import settings_for
from tests.support.banking import account, customer, inr

ROOT = Path(__file__).resolve().parents[2]
# A writer in another process: takes the turn, says so, holds it until its stdin closes.
HOLDER = """
import sys
from adapters.sql.engine import database_unavailable
from adapters.sql.sqlite.one_writer import DatabaseBusy, Refusal, WriterTurn
turn = WriterTurn(sys.argv[1])
turn.acquire()
print("held", flush=True)
sys.stdin.read()
turn.release()
"""


def _holder(database: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(database)], cwd=ROOT, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.stdout is not None and child.stdout.readline() == "held\n"
    return child


def _waiting_writer(turn: WriterTurn) -> tuple[threading.Thread, threading.Event]:
    done = threading.Event()

    def write() -> None:
        turn.acquire()
        done.set()
        turn.release()
    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread, done


def test_a_writer_waits_for_another_processs_turn(tmp_path: Path) -> None:
    child = _holder(tmp_path / "bank.db")
    turn = WriterTurn(str(tmp_path / "bank.db"))
    thread, done = _waiting_writer(turn)
    assert not done.wait(0.5)  # the other process is writing
    assert child.stdin is not None
    child.stdin.close()
    assert done.wait(10) and child.wait(10) == 0
    thread.join()
    turn.close()


def test_a_writer_killed_mid_write_leaves_the_turn_free(tmp_path: Path) -> None:
    child = _holder(tmp_path / "bank.db")
    turn = WriterTurn(str(tmp_path / "bank.db"))
    thread, done = _waiting_writer(turn)
    assert not done.wait(0.3)
    child.send_signal(signal.SIGKILL)
    assert done.wait(10)  # the kernel dropped the dead writer's lock
    child.wait(10)
    thread.join()
    turn.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_takes_a_turn_of_its_own(tmp_path: Path) -> None:
    turn = WriterTurn(str(tmp_path / "bank.db"))
    turn.acquire()  # the parent has written once: its file is open
    turn.release()
    ready_read, ready_write = os.pipe()
    go_read, go_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the same WriterTurn object, inherited
        try:
            turn.acquire()
            os.write(ready_write, b"x")
            os.read(go_read, 1)
            turn.release()
        finally:
            os._exit(0)
    try:
        assert os.read(ready_read, 1) == b"x"
        thread, done = _waiting_writer(turn)
        assert not done.wait(0.5)  # the child holds the turn; the parent waits for it
        os.write(go_write, b"x")
        assert done.wait(10)
        thread.join()
    finally:
        os.write(go_write, b"x")  # a child still waiting (the test failed) exits too
        os.waitpid(pid, 0)
        for fd in (ready_read, ready_write, go_read, go_write):
            os.close(fd)
        turn.close()


def test_writers_still_write_when_the_turn_file_cannot_be_opened(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The turn only saves sleeping: if its file cannot be opened (here its name is taken by a
    directory), money still moves, the writers of this process still take turns, and the log
    says why once."""
    database = tmp_path / "bank.db"
    (tmp_path / "bank.db-writer").mkdir()
    bank = bootstrap(settings_for(f"sqlite:///{database}"))
    prepare_database(bank)
    try:
        with caplog.at_level(logging.WARNING, logger="vaani.sql"):
            owner = customer(bank)
            source = account(bank, owner, "100.00").account_number
            destination = account(bank, owner).account_number
            bank.resolve(TransferMoney).execute(TransferCommand(
                owner.id, source, destination, inr("40.00"), idempotency_key="turnless"))
        assert bank.resolve(GetBalance).execute(None, destination).balance == inr("40.00")
        assert [r.getMessage() for r in caplog.records].count(
            f"SQLite writers of other processes will wait in SQLite's busy handler: cannot "
            f"open {database}-writer (Is a directory)") == 1
        turn = WriterTurn(str(database))
        turn.acquire()
        thread, done = _waiting_writer(turn)
        assert not done.wait(0.3)  # a second thread of this process still waits its turn
        turn.release()
        assert done.wait(10)
        thread.join()
    finally:
        bank.resolve(UnitOfWorkFactory).close()


def test_a_writer_gives_up_after_its_wait_and_the_turn_it_left_waiting_goes_back(
        tmp_path: Path) -> None:
    child = _holder(tmp_path / "bank.db")
    turn = WriterTurn(str(tmp_path / "bank.db"), wait=0.3)
    with pytest.raises(DatabaseBusy) as refused:
        turn.acquire()
    assert database_unavailable(refused.value)  # answered 503 database_unavailable
    # The kernel may hand the lock to the thread left waiting any moment: not ours to take.
    assert turn.try_acquire() is Refusal.ANOTHER_PROCESS
    assert child.stdin is not None
    child.stdin.close()
    assert child.wait(10) == 0
    other = WriterTurn(str(tmp_path / "bank.db"), wait=10)  # another descriptor: a process
    other.acquire()  # the turn nobody waited for any more was given back
    with pytest.raises(DatabaseBusy):
        turn.acquire()
    other.release()
    turn = WriterTurn(str(tmp_path / "bank.db"), wait=10)
    turn.acquire()
    turn.release()
    other.close()
    turn.close()


def test_a_thread_of_this_process_waits_no_longer_than_the_wait(tmp_path: Path) -> None:
    turn = WriterTurn(str(tmp_path / "bank.db"), wait=0.2)
    turn.acquire()
    refused: list[BaseException] = []

    def write() -> None:
        try:
            turn.acquire()
        except DatabaseBusy as error:
            refused.append(error)
    thread = threading.Thread(target=write)
    thread.start()
    thread.join(10)
    assert not thread.is_alive() and len(refused) == 1
    turn.release()
    turn.close()
