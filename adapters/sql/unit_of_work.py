"""The SQL unit of work factory: which connections, engines and writer turn a unit of work gets,
and on SQLite the event loop's reads and writes in place (writes_in_place.py)."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from adapters.sql.checkpointer import Checkpointer
from adapters.sql.database_file import DatabaseFile
from adapters.sql.kept_connections import InPlaceConnections, KeptConnections, kept_per_kind
from adapters.sql.transaction import (
    SqlUnitOfWork,
    busy,
    leave_checkpoints_to_the_thread,
    roll_back_quietly,
)
from adapters.sql.writer_turn import DEFAULT_WAIT_SECONDS, WriterTurn
from adapters.sql.writes_in_place import LoopTransaction, WritesInPlaceBlock
from application.ports import (
    ReadWouldWait,
    WritesInPlace,
)

# How long a read or write on the event loop (`loop_reads`, `loop_writes`) may wait for a lock
# before it gives up and is run on a worker thread instead. A WAL reader waits only for what
# SQLite's documentation lists (another connection in exclusive locking mode, the recovery of a
# crashed writer, the last connection of a file closing): rare, and never for a writer; a
# writer on the loop has taken the writer turn first, so only a writer outside Vaani makes it
# wait. The loop never opens a file (InPlaceConnections).
LOOP_BUSY_TIMEOUT_MS = 20
# Writes on the loop stop for a while (LOOP_WRITES_PAUSE_S) when they hold it this long on
# average (a slow disk's fsync; the average of the last ten or so, so one hiccup of the disk
# does not count): while a worker thread waits for the disk, the loop serves the worker's other
# requests.
SLOW_LOOP_WRITE_S = 0.005
LOOP_WRITES_PAUSE_S = 1.0

R = TypeVar("R")
log = logging.getLogger(__name__)


class SqlUnitOfWorkFactory:
    """Opens units of work on one engine. On SQLite, writers take turns (writer_turn.py) before
    asking the database, so threads and processes do not sleep in SQLite's busy handler."""

    def __init__(self, engine: Engine, wait: float = DEFAULT_WAIT_SECONDS) -> None:
        """`wait`: how long a writer waits for its turn (writer_turn.py); the engine's own
        waits are set where it is made (engine.py)."""
        self.engine = engine
        # Same pool; its connections carry the option that makes SQLite BEGIN IMMEDIATE. Set
        # once here rather than on every connection (~9 µs a transaction).
        self._writing = engine.execution_options(vaani_write=True)
        # Readers see one snapshot for their whole transaction, as `vaani ledger verify` needs
        # on a live bank: PostgreSQL's default (READ COMMITTED) takes one per statement. Costs
        # no round trip (psycopg sends it with its BEGIN). SQLite's readers already do.
        postgresql = engine.dialect.name == "postgresql"
        self._reading_engine = engine.execution_options(isolation_level="REPEATABLE READ") \
            if postgresql else engine
        # A request's reads (`request_reads`) are a statement or two that need no common
        # snapshot: each runs on its own, without BEGIN and ROLLBACK. On PostgreSQL that saves
        # two round trips of a balance request's four; on SQLite two of its four driver calls,
        # each of which gives up the GIL and waits for it again behind the event loop.
        self._request_reading_engine = engine.execution_options(isolation_level="AUTOCOMMIT") \
            if postgresql else engine.execution_options(vaani_no_begin=True)
        self._reading = threading.local()  # this thread's shared read unit of work, if any
        # Connections kept out of the pool (kept_connections.py) for requests' reads and for
        # writers; on SQLite one writer at a time, so one writing connection in use.
        kept = kept_per_kind(engine.pool.size()) if isinstance(engine.pool, QueuePool) else 0
        self._readers = KeptConnections(self._request_reading_engine, kept)
        self._writers = KeptConnections(self._writing, kept)
        # SQLite: one writer at a time, in this process and across processes (writer_turn.py).
        sqlite_file = engine.url.database if engine.dialect.name == "sqlite" else None
        self._writer = WriterTurn(sqlite_file, wait) if sqlite_file else None
        self._file = DatabaseFile.watch(engine) if sqlite_file else None
        # SQLite: requests' reads on the event loop, on a connection of their own that waits
        # for a lock only briefly (the loop serves everyone meanwhile).
        self._loop_readers = InPlaceConnections(self._request_reading_engine, _wait_briefly) \
            if sqlite_file else None
        self._loop_writers = InPlaceConnections(self._writing, _write_without_checkpoints) \
            if sqlite_file else None
        self._checkpointer = Checkpointer(sqlite_file, self._writer) \
            if sqlite_file and self._writer else None
        self._loop_transaction: LoopTransaction | None = None  # writes in place, uncommitted
        self._loop_writes_resume_at = 0.0  # paused until then when they were slow
        self._turn_kept = False  # the writer turn, taken for the loop's next transaction
        self._loop_write_seconds = 0.0  # how long writes in place take, a moving average

    def __call__(self, *, write: bool = False) -> SqlUnitOfWork:
        if write:
            block: WritesInPlaceBlock | None = getattr(self._reading, "writes", None)
            if block is not None:
                return block.unit_of_work()
            if (open_ := self._loop_transaction) is not None \
                    and open_.thread == threading.get_ident():
                # It would wait for the writer turn its own thread holds, for ever.
                raise RuntimeError("a write outside `loop_writes` while writes in place are "
                                   "not committed yet (`commit_loop_writes`)")
            if self._loop_writers is not None:
                self._loop_writers.keep_one()  # a worker thread opens the loop's connection
            return SqlUnitOfWork(self._writing, True, self._writer, connections=self._writers,
                                 checkpointer=self._checkpointer, database_file=self._file)
        if (shared := getattr(self._reading, "uow", None)) is not None:
            return shared  # type: ignore[no-any-return]
        return SqlUnitOfWork(self._reading_engine, False, None)

    def request_reads(self) -> AbstractContextManager[None]:
        """A request's session check and its read on one connection, with one trip to the
        pool, statement by statement (no BEGIN and ROLLBACK around them)."""
        if self._loop_readers is not None:
            self._loop_readers.keep_one()  # a worker thread opens the loop's connection
        return self._shared_reads(self._readers, in_place=False)

    def loop_reads(self) -> AbstractContextManager[None] | None:
        """On SQLite, `request_reads` that the event loop runs itself, since a hop to a worker
        thread costs more than the read and the worker then waits for the GIL after each
        driver call. PostgreSQL: None."""
        if self._loop_readers is None:
            return None
        return self._shared_reads(self._loop_readers, in_place=True)

    def loop_writes(self) -> WritesInPlace | None:
        """On SQLite, a request's writes run by the event loop itself when the writer turn is
        free: a trip to a worker thread costs a transfer CPU, and there the writer, holding the
        database's write lock, waits for the GIL behind the loop after each driver call. The
        blocks' writes share one transaction until `commit_loop_writes`: one fsync for the
        transfers in flight together (entrypoints/http/quick_writes.py), where each paid a
        commit of its own. (Measured: docs/benchmarks.md, "Figures".)
        Writes go to worker threads for a while (None) when writes in place are slow (a slow
        disk). When another process has the turn (another worker writes too), a block's
        first write raises `WriterTurnTaken`: a worker thread waits for the turn and keeps
        it for the loop (`wait_for_writer_turn`), whose writes in line then share its
        transaction. PostgreSQL: None."""
        if self._loop_writers is None or time.monotonic() < self._loop_writes_resume_at:
            return None
        return WritesInPlaceBlock(self)

    def commit_loop_writes(self) -> int:
        """Commit the writes in place since the last call (one transaction, one fsync), give
        the writer turn back, and say how many units of work committed in it; an error if the
        transaction did not commit, and then none of them did."""
        open_, self._loop_transaction = self._loop_transaction, None
        if open_ is None:
            return 0
        began = time.monotonic()
        committed = False
        try:
            if open_.lost is None and not open_.driver.in_transaction:
                # Rolled back by SQLite itself: the driver's commit would then do nothing,
                # and say nothing.
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
            assert self._loop_writers is not None and self._writer is not None
            self._loop_writers.give_back(open_.conn, healthy=committed)
            self._writer.release()
        assert self._checkpointer is not None
        self._checkpointer.committed()
        units = open_.units
        self._loop_write_took((open_.loop_seconds + time.monotonic() - began) / max(units, 1))
        return units

    def writers_take_turns(self) -> bool:
        # Inside a `loop_writes` block the loop's transaction may already hold the turn, and
        # a read on another connection would not see its uncommitted writes.
        return self._writer is not None and getattr(self._reading, "writes", None) is None

    def wait_for_writer_turn(self) -> bool:
        if self._writer is None or self._loop_writers is None:
            return False
        self._writer.acquire()
        self._turn_kept = True  # read by the loop once the future of this call is done
        return True

    def give_back_writer_turn(self) -> None:
        if self._turn_kept:
            assert self._writer is not None
            self._turn_kept = False
            self._writer.release()

    def _loop_write_took(self, seconds: float) -> None:
        average = self._loop_write_seconds = 0.9 * self._loop_write_seconds + 0.1 * seconds
        if average > SLOW_LOOP_WRITE_S:
            self._loop_write_seconds = 0.0  # after the pause, measured afresh
            self._pause_loop_writes()

    def _pause_loop_writes(self) -> None:
        self._loop_writes_resume_at = time.monotonic() + LOOP_WRITES_PAUSE_S

    @contextmanager
    def _shared_reads(self, connections: KeptConnections, in_place: bool) -> Iterator[None]:
        if getattr(self._reading, "uow", None) is not None:
            yield  # already inside one
            return
        try:
            with SqlUnitOfWork(self._request_reading_engine, False, None, shared=True,
                               connections=connections) as uow:
                self._reading.uow = uow
                try:
                    yield
                finally:
                    self._reading.uow = None
        except OperationalError as error:
            if in_place and busy(error):  # its connection is closed for good by now
                raise ReadWouldWait("the database file is locked") from error
            raise

    def ping(self) -> bool:
        """The database takes a write within the wait: a write transaction begun (on SQLite,
        the writer turn and the file's write lock taken, in the file first opened) and rolled
        back. A database that answers reads but not writes cannot serve a bank."""
        try:
            if self._file is not None:
                self._file.check()
                if not self._file.has_room():
                    log.warning("the database is not ready: its disk is (nearly) full")
                    return False
            with self(write=True) as uow:
                uow.connection.exec_driver_sql("SELECT 1")
            return True
        except Exception as error:
            log.warning("the database is not ready: %s", error)
            return False

    def close(self) -> None:
        self.give_back_writer_turn()
        if (open_ := self._loop_transaction) is not None:  # answered to nobody yet
            self._loop_transaction = None
            roll_back_quietly(open_.conn)
            assert self._loop_writers is not None and self._writer is not None
            self._loop_writers.give_back(open_.conn, healthy=False)
            self._writer.release()
        self._readers.close()
        self._writers.close()
        if self._loop_readers is not None:
            self._loop_readers.close()
        if self._loop_writers is not None:
            self._loop_writers.close()
        self.engine.dispose()
        if self._writer is not None:
            self._writer.close()
        if self._checkpointer is not None:
            self._checkpointer.close()


def _wait_briefly(conn: Connection) -> None:
    dbapi_connection = conn.connection.dbapi_connection
    assert dbapi_connection is not None
    dbapi_connection.execute(f"PRAGMA busy_timeout={LOOP_BUSY_TIMEOUT_MS}")


def _write_without_checkpoints(conn: Connection) -> None:
    """The loop's writer: its commits leave WAL checkpoints to a thread (checkpointer.py)."""
    _wait_briefly(conn)
    leave_checkpoints_to_the_thread(conn)


