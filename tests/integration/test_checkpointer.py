"""The thread that checkpoints SQLite's write-ahead log for a process's writers
(adapters/sql/sqlite/checkpointer.py) runs in whichever process commits, a forked child too."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from adapters.sql.sqlite import checkpointer
from adapters.sql.sqlite.checkpointer import Checkpointer
from adapters.sql.sqlite.one_writer import WriterTurn


def _checkpointed(ran: Checkpointer, at_least: int) -> bool:
    deadline = time.monotonic() + 10
    while ran.checkpoints < at_least and time.monotonic() < deadline:
        time.sleep(0.01)
    return ran.checkpoints >= at_least


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX-only")
def test_a_forked_child_checkpoints_with_a_thread_of_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A child of a fork has the parent's thread object but not its thread: had it set the
    parent's event, its log would never be checkpointed and would grow without end."""
    monkeypatch.setattr(checkpointer, "CHECKPOINT_EVERY", 1)
    database = str(tmp_path / "bank.db")
    with sqlite3.connect(database) as file:
        file.execute("PRAGMA journal_mode=WAL")
    turn = WriterTurn(database)
    ran = Checkpointer(database, turn)
    try:
        ran.committed()
        assert _checkpointed(ran, 1)  # the parent's thread runs
        child = os.fork()
        if child == 0:  # the child reports by its exit status only
            ran.committed()
            os._exit(0 if _checkpointed(ran, 2) else 1)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        ran.close()
        turn.close()
