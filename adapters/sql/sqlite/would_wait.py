"""Why the event loop did not run a request's reads or writes in place: each means nothing was
read or written, and the request runs again where waiting is allowed (a worker thread)."""

from __future__ import annotations

import sqlite3

from adapters.sql.write_guard import NothingWritten


class ReadWouldWait(NothingWritten):
    """A read in place would have to wait for a lock (or no connection is open for the loop)."""


class WriteWouldWait(NothingWritten):
    """A write in place would have to wait: another writer of this process has the database."""


class WriterTurnTaken(WriteWouldWait):
    """Another process has the writer turn: a worker thread waits for it and keeps it for the
    loop (`InPlace.wait_for_turn`), and the write runs in place again."""


def busy(error: BaseException) -> bool:
    """SQLITE_BUSY, raised by Core (wrapped) or by the driver itself (our BEGIN, engine.py)."""
    code = getattr(getattr(error, "orig", error), "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY  # extended codes too
