"""Reads and writes the event loop runs itself on SQLite, and their shared commit.

On SQLite a read or a short write takes less time than the hop to a worker thread, and on a
worker the writer, holding the database's write lock, waits for the GIL behind the loop after
each driver call. So a short request runs on the loop, on connections of its own that wait for
a lock only briefly: a read that would wait raises `ReadWouldWait`, a write that would wait
raises `WriteWouldWait` (or `WriterTurnTaken`), having done nothing, and the request goes to a
worker thread instead. Writes in place share one open transaction, each in a savepoint
(loop_transaction.py), until `commit`: one COMMIT, one fsync, for the writes in flight together
(the dispatcher decides when: entrypoints/http/dispatch/group_commit.py). No outcome of a write
in place may be told to anyone before that commit."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TypeVar

import attrs
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from adapters.sql.sqlite.checkpointer import Checkpointer, leave_checkpoints_to_the_thread
from adapters.sql.sqlite.database_file import DatabaseFile
from adapters.sql.sqlite.in_place_connections import InPlaceConnections
from adapters.sql.sqlite.loop_transaction import (
    InPlaceUnitOfWork,
    LoopTransaction,
    roll_back_quietly,
)
from adapters.sql.sqlite.one_writer import Refusal, WriterTurn
from adapters.sql.sqlite.would_wait import ReadWouldWait, WriterTurnTaken, WriteWouldWait, busy
from adapters.sql.sqlite.write_pace import WritePace
from adapters.sql.transaction import SqlUnitOfWork

# How long a read or write on the loop may wait for a lock before it goes to a worker thread: a
# WAL reader waits only for rare things (a connection in exclusive mode, a crashed writer's
# recovery), and a writer on the loop has taken the writer turn first, so only a writer
# outside Vaani makes it wait.
LOOP_BUSY_TIMEOUT_MS = 20

R = TypeVar("R")
# Opens a request's shared reads on the given connections, as the factory does for threads.
SharedReads = Callable[[InPlaceConnections], AbstractContextManager[None]]
# Makes the calling context's write units of work come from the given source until it ends.
WritesFrom = Callable[[Callable[[], SqlUnitOfWork]], AbstractContextManager[None]]


@attrs.define
class Written:
    """What a write in place did: `pending` when it wrote (or read others' writes) in the open
    transaction, whose commit its outcome must wait for."""

    pending: bool = False


class InPlace:
    """One process's reads and writes in place on one SQLite file, with the writer turn."""

    def __init__(self, reading: Engine, writing: Engine, writer: WriterTurn,
                 database_file: DatabaseFile | None, checkpointer: Checkpointer,
                 shared_reads: SharedReads, writes_from: WritesFrom,
                 pace: WritePace | None = None) -> None:
        self._writing = writing
        self._writer = writer
        self._file = database_file
        self._checkpointer = checkpointer
        self._shared_reads = shared_reads
        self._writes_from = writes_from
        self._readers = InPlaceConnections(reading, _wait_briefly)
        self._writers = InPlaceConnections(writing, _write_without_checkpoints)
        self.pace = pace or WritePace()
        self._open: LoopTransaction | None = None  # writes in place not committed yet
        self._closed = False  # shut down: an open transaction was rolled back, told to nobody
        self._turn_kept = False  # the writer turn, taken on a thread for the loop's next write

    def prepare_reads(self) -> None:
        """On a worker thread: open the loop's reader connection if it has none yet."""
        self._readers.keep_one()

    def writes_open(self) -> bool:
        """False for a while after writes in place were slow (a slow disk's fsync): while a
        worker thread waits for the disk, the loop serves everyone else."""
        return self.pace.open()

    def reads(self) -> AbstractContextManager[None]:
        """The loop's reads: a request's read units of work share the loop's connection."""
        return self._reads()

    @contextmanager
    def _reads(self) -> Iterator[None]:
        try:
            with self._shared_reads(self._readers):
                yield
        except OperationalError as error:
            if busy(error):  # its connection is closed for good by now
                raise ReadWouldWait("the database file is locked") from error
            raise

    @contextmanager
    def writes(self) -> Iterator[Written]:
        """A request's writes in place: each write unit of work a savepoint in the open
        transaction. The first that finds none open opens it, taking the writer turn if it is
        free or kept for it, else raising `WriteWouldWait` (`WriterTurnTaken`: another process
        has it), having written nothing. A refusal after a savepoint committed is an error, so
        the request is never run twice."""
        made: list[InPlaceUnitOfWork] = []
        written = Written()
        began = self.pace.now()

        def unit_of_work() -> SqlUnitOfWork:
            uow = InPlaceUnitOfWork(self._writing, self._open or self._begin())
            made.append(uow)
            return uow

        try:
            with self._writes_from(unit_of_work):
                yield written
        except (ReadWouldWait, WriteWouldWait) as refusal:
            if any(uow.committed for uow in made):
                raise RuntimeError("a request refused in place after it had committed") from refusal
            raise
        finally:
            if made and (open_ := self._open) is not None:
                open_.loop_seconds += self.pace.now() - began
                written.pending = True  # it read others' uncommitted writes, if it wrote nothing

    def commit(self) -> int:
        """Commit the writes in place since the last call (one transaction, one fsync), give
        the writer turn back, and say how many units of work committed in it; an error if the
        transaction did not commit, and then none of them did."""
        if self._closed:  # whatever was open was rolled back: no write waiting on it stands
            raise sqlite3.OperationalError("the server shut down before these writes committed")
        open_, self._open = self._open, None
        if open_ is None:
            return 0
        began = self.pace.now()
        committed = False
        try:
            if open_.lost is None and not open_.driver.in_transaction:
                # Rolled back by SQLite itself: the driver's commit would do nothing, silently.
                open_.lost = sqlite3.OperationalError("the transaction was rolled back")
            if open_.lost is not None:
                raise OperationalError("COMMIT", None, open_.lost) from open_.lost
            if self._file is not None:
                self._file.check()  # never acknowledge writes into a moved or deleted file
            open_.tx.commit()
            committed = True
        finally:
            if not committed:
                roll_back_quietly(open_.conn)
            self._writers.give_back(open_.conn, healthy=committed)
            self._writer.release()
        self._checkpointer.committed()
        units = open_.units
        self.pace.took((open_.loop_seconds + self.pace.now() - began) / max(units, 1))
        return units

    def wait_for_turn(self) -> None:
        """On a worker thread, after `WriterTurnTaken`: wait for the writer turn and keep it for
        the next write in place (its transaction takes it)."""
        self._writer.acquire()
        self._turn_kept = True  # read by the loop once the future of this call is done

    def give_back_turn(self) -> None:
        """Give back the turn `wait_for_turn` kept if no write took it; nothing otherwise."""
        if self._turn_kept:
            self._turn_kept = False
            self._writer.release()

    def before_thread_write(self) -> None:
        """Before a write on a worker thread: open the loop's writer connection if it has none
        (so the next short write can run in place). On the loop's own thread this is an error:
        it would wait for ever for the turn its uncommitted writes in place hold."""
        if (open_ := self._open) is not None and open_.thread == threading.get_ident():
            raise RuntimeError("a write outside a write in place while writes in place are "
                               "not committed yet (`InPlace.commit`)")
        self._writers.keep_one()

    def close(self) -> None:
        """At shutdown: what is open rolls back, and every later commit raises, so a write
        still waiting for its commit is told it failed (503, retried under its key)."""
        self._closed = True
        self.give_back_turn()
        if (open_ := self._open) is not None:  # answered to nobody yet
            self._open = None
            roll_back_quietly(open_.conn)
            self._writers.give_back(open_.conn, healthy=False)
            self._writer.release()
        self._readers.close()
        self._writers.close()

    def _begin(self) -> LoopTransaction:
        try:
            conn = self._writers.take()
        except ReadWouldWait as error:
            raise WriteWouldWait("no connection opened for writes in place yet") from error
        if self._turn_kept:  # waited for on a thread (`wait_for_turn`)
            self._turn_kept = False
        elif (refusal := self._writer.try_acquire()) is not None:
            self._writers.give_back(conn, healthy=True)
            if refusal is Refusal.ANOTHER_PROCESS:
                raise WriterTurnTaken(refusal.value)
            raise WriteWouldWait(refusal.value)
        try:
            tx = conn.begin()  # BEGIN IMMEDIATE: a writer outside Vaani makes it wait briefly
        except BaseException as error:
            self._writers.give_back(conn, healthy=False)
            self._writer.release()
            if busy(error):
                raise WriteWouldWait("the database is busy") from error  # nothing written
            raise
        self._open = LoopTransaction(conn, tx)
        return self._open


def _wait_briefly(conn: Connection) -> None:
    dbapi_connection = conn.connection.dbapi_connection
    assert dbapi_connection is not None
    dbapi_connection.execute(f"PRAGMA busy_timeout={LOOP_BUSY_TIMEOUT_MS}")


def _write_without_checkpoints(conn: Connection) -> None:
    """The loop's writer: its commits leave WAL checkpoints to a thread (checkpointer.py)."""
    _wait_briefly(conn)
    leave_checkpoints_to_the_thread(conn)
