"""SQLite writers of different processes take turns: one waits for the other to finish, a
writer killed while writing never leaves the turn taken, and a forked child is a writer of its
own, not a second holder of its parent's turn."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from adapters.sql.writer_turn import WriterTurn

ROOT = Path(__file__).resolve().parents[2]
# A writer in another process: takes the turn, says so, holds it until its stdin closes.
HOLDER = """
import sys
from adapters.sql.writer_turn import WriterTurn
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
