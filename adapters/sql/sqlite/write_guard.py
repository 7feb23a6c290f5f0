"""What SQLite needs around a write transaction on a worker thread: the writer turn before the
database is asked (one writer at a time, across threads and processes), WAL checkpoints left
to a thread, and the file checked before a commit is acknowledged."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from adapters.sql.sqlite.checkpointer import Checkpointer, leave_checkpoints_to_the_thread
from adapters.sql.sqlite.database_file import DatabaseFile
from adapters.sql.sqlite.one_writer import WriterTurn


class SqliteWriteGuard:
    """A `WriteGuard` (adapters/sql/write_guard.py) for one SQLite file."""

    def __init__(self, writer: WriterTurn, checkpointer: Checkpointer,
                 database_file: DatabaseFile | None) -> None:
        self._writer = writer
        self._checkpointer = checkpointer
        self._file = database_file

    def enter(self) -> None:
        self._writer.acquire()

    def opened(self, conn: Connection) -> None:
        leave_checkpoints_to_the_thread(conn)

    def committing(self) -> None:
        if self._file is not None:
            self._file.check()  # never acknowledge writes into a moved or deleted file

    def committed(self) -> None:
        self._checkpointer.committed()

    def leave(self) -> None:
        self._writer.release()
