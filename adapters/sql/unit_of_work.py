"""The SQL unit of work factory: which engine and connections a unit of work gets."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

from adapters.sql.kept_connections import KeptConnections, kept_per_kind
from adapters.sql.postgres.wal import WRITTEN, position
from adapters.sql.sqlite.checkpointer import Checkpointer
from adapters.sql.sqlite.database_file import DatabaseFile
from adapters.sql.sqlite.in_place import InPlace
from adapters.sql.sqlite.one_writer import DEFAULT_WAIT_SECONDS, WriterTurn
from adapters.sql.sqlite.write_guard import SqliteWriteGuard
from adapters.sql.sqlite.write_pace import WritePace
from adapters.sql.transaction import SqlUnitOfWork

log = logging.getLogger(__name__)


class _Scope:
    """Where the units of work of one request come from while it runs (`request_reads`,
    `InPlace`): its reads share one connection; its writes, when `writes` is set, come from
    there too. Held in a context variable, so it belongs to the request that set it: never to
    another request on the same thread, nor to another thread."""

    def __init__(self, reads: SqlUnitOfWork | None,
                 writes: Callable[[], SqlUnitOfWork] | None = None) -> None:
        self.reads = reads
        self.writes = writes
        # A context copied to another thread (asyncio.to_thread) would share a connection
        # across threads: refused rather than used (`SqlUnitOfWorkFactory.__call__`).
        self.thread = threading.get_ident()


class SqlUnitOfWorkFactory:
    """Opens units of work on one engine. On SQLite, writers take turns (sqlite/one_writer.py)
    before asking the database, so threads and processes never sleep in its busy handler, and
    `in_place` runs a server's short requests on its event loop (sqlite/in_place.py)."""

    def __init__(self, engine: Engine, wait: float = DEFAULT_WAIT_SECONDS,
                 pace: WritePace | None = None) -> None:
        """`wait`: how long a writer waits for its turn; `pace`: when writes in place pause."""
        self.engine = engine
        # Same pool; its connections carry the option that makes SQLite BEGIN IMMEDIATE.
        self._writing = engine.execution_options(vaani_write=True)
        # Readers see one snapshot for their whole transaction, as `vaani ledger verify` needs
        # on a live bank (PostgreSQL's default takes one per statement; SQLite's readers
        # already do).
        postgresql = engine.dialect.name == "postgresql"
        self._reading_engine = engine.execution_options(isolation_level="REPEATABLE READ") \
            if postgresql else engine
        # A request's reads need no common snapshot: each statement runs on its own, without
        # BEGIN and ROLLBACK (round trips on PostgreSQL, GIL hand-overs on SQLite).
        self._request_reading_engine = engine.execution_options(isolation_level="AUTOCOMMIT") \
            if postgresql else engine.execution_options(vaani_no_begin=True)
        kept = kept_per_kind(engine.pool.size()) if isinstance(engine.pool, QueuePool) else 0
        self._readers = KeptConnections(self._request_reading_engine, kept)
        self._writers = KeptConnections(self._writing, kept)
        self._scope: ContextVar[_Scope | None] = ContextVar("vaani_request_scope", default=None)
        self._after_commit: Callable[[Connection], None] | None = None
        self._closing: list[Callable[[], None]] = []
        sqlite_file = engine.url.database if engine.dialect.name == "sqlite" else None
        self._writer = WriterTurn(sqlite_file, wait) if sqlite_file else None
        self._file = DatabaseFile.watch(engine) if sqlite_file else None
        self._checkpointer = Checkpointer(sqlite_file, self._writer) \
            if sqlite_file and self._writer else None
        self._guard = SqliteWriteGuard(self._writer, self._checkpointer, self._file) \
            if self._writer is not None and self._checkpointer is not None else None
        self.in_place = InPlace(self._request_reading_engine, self._writing, self._writer,
                                self._file, self._checkpointer, self.reads_on,
                                self.writes_from, pace) \
            if self._writer is not None and self._checkpointer is not None else None

    def __call__(self, *, write: bool = False) -> SqlUnitOfWork:
        scope = self._scope.get()
        if scope is not None and scope.thread != threading.get_ident():
            raise RuntimeError("a request's units of work used on another thread than its own")
        if write:
            if scope is not None and scope.writes is not None:
                return scope.writes()
            if self.in_place is not None:
                self.in_place.before_thread_write()
            return SqlUnitOfWork(self._writing, guard=self._guard, connections=self._writers,
                                 after_commit=self._after_commit)
        if scope is not None and scope.reads is not None:
            return scope.reads
        return SqlUnitOfWork(self._reading_engine)

    def request_reads(self) -> AbstractContextManager[None]:
        """A request's session check and its reads on one connection, with one trip to the
        pool, statement by statement (no BEGIN and ROLLBACK around them). Units of work that
        write still open their own."""
        if self.in_place is not None:
            self.in_place.prepare_reads()  # on a worker thread: the loop's connection opened
        return self.reads_on(self._readers)

    @contextmanager
    def reads_on(self, connections: KeptConnections) -> Iterator[None]:
        """Within it, the calling request's read units of work share one connection from
        `connections`, statement by statement."""
        outer = self._scope.get()
        if outer is not None and outer.reads is not None:
            yield  # already inside one
            return
        with SqlUnitOfWork(self._request_reading_engine, shared=True, connections=connections) as uow:
            token = self._scope.set(_Scope(uow, outer.writes if outer else None))
            try:
                yield
            finally:
                self._scope.reset(token)

    @contextmanager
    def writes_from(self, make: Callable[[], SqlUnitOfWork]) -> Iterator[None]:
        """Within it, the calling request's write units of work are made by `make`."""
        outer = self._scope.get()
        token = self._scope.set(_Scope(outer.reads if outer else None, make))
        try:
            yield
        finally:
            self._scope.reset(token)

    def after_writes(self, noted: Callable[[Connection], None],
                     closing: Callable[[], None]) -> None:
        """Once a write's COMMIT has returned, `noted(its connection)`; `closing` is called
        when this factory closes (postgres/replica_reads.py, which reads on a replica)."""
        self._after_commit = noted
        self._closing.append(closing)

    def wal_position(self) -> int:
        """Where the primary's WAL has been written up to now (PostgreSQL): every commit
        acknowledged before this call ended there or earlier."""
        conn = self._readers.take()
        healthy = False
        try:
            found = position(conn, WRITTEN)
            healthy = True
        finally:
            self._readers.give_back(conn, healthy)
        assert found is not None, "pg_current_wal_insert_lsn() answered NULL"
        return found

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
        for closing in self._closing:
            closing()
        if self.in_place is not None:
            self.in_place.close()
        self._readers.close()
        self._writers.close()
        self.engine.dispose()
        if self._writer is not None:
            self._writer.close()
        if self._checkpointer is not None:
            self._checkpointer.close()
