"""The SQL unit of work: one connection, one transaction, rolled back unless committed."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import Generic, Self, TypeVar, overload

from sqlalchemy.engine import Connection, Engine, RootTransaction
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from adapters.sql.audit import SqlAudit
from adapters.sql.beneficiaries import SqlBeneficiaries
from adapters.sql.branches import SqlBranches
from adapters.sql.cards import SqlCards
from adapters.sql.checkpointer import Checkpointer
from adapters.sql.database_file import DatabaseFile
from adapters.sql.fraud import SqlFraud
from adapters.sql.identity import SqlLoginAttempts, SqlRateLimits, SqlRefreshTokens, SqlSessions
from adapters.sql.kept_connections import InPlaceConnections, KeptConnections, kept_per_kind
from adapters.sql.prepared_sending import drop_deferred, send_deferred
from adapters.sql.reminders import SqlReminders
from adapters.sql.repositories import (
    SqlAccounts,
    SqlCustomers,
    SqlLedger,
    SqlTransfers,
    key_taken,
)
from adapters.sql.voice import SqlDevices, SqlVoice
from adapters.sql.writer_turn import DEFAULT_WAIT_SECONDS, Refusal, WriterTurn
from application.ports import (
    DuplicateIdempotencyKey,
    ReadWouldWait,
    WriterTurnTaken,
    WritesInPlace,
    WriteWouldWait,
)
from domain.errors import DomainError

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


class _Repository(Generic[R]):
    """A repository attribute of the unit of work, made from its connection on first use and
    then kept in the instance (a non-data descriptor: the instance's own attribute wins)."""

    def __init__(self, make: Callable[[Connection], R]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type) -> _Repository[R]: ...

    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type) -> R: ...

    def __get__(self, uow: SqlUnitOfWork | None, owner: type) -> R | _Repository[R]:
        if uow is None:
            return self
        repository = self._make(uow.connection)
        uow.__dict__[self._name] = repository
        return repository


class SqlUnitOfWork:
    # Repositories are made on first use: a request touches two or three of the sixteen.
    customers = _Repository(SqlCustomers)
    accounts = _Repository(SqlAccounts)
    transfers = _Repository(SqlTransfers)
    ledger = _Repository(SqlLedger)
    audit = _Repository(SqlAudit)
    sessions = _Repository(SqlSessions)
    refresh_tokens = _Repository(SqlRefreshTokens)
    login_attempts = _Repository(SqlLoginAttempts)
    rate_limits = _Repository(SqlRateLimits)
    devices = _Repository(SqlDevices)
    voice = _Repository(SqlVoice)
    fraud = _Repository(SqlFraud)
    beneficiaries = _Repository(SqlBeneficiaries)
    cards = _Repository(SqlCards)
    reminders = _Repository(SqlReminders)
    branches = _Repository(SqlBranches)

    def __init__(self, engine: Engine, write: bool, writer: WriterTurn | None,
                 shared: bool = False, connections: KeptConnections | None = None,
                 checkpointer: Checkpointer | None = None,
                 database_file: DatabaseFile | None = None) -> None:
        self._engine = engine
        self._write = write
        self._shared = shared
        self.committed = False
        self._borrowers = 0
        self._writer = writer if write else None
        self._connections = connections  # where its connection comes from and goes back to
        self._checkpointer = checkpointer if write else None  # SQLite: checkpoints the WAL
        self._file = database_file if write else None  # SQLite: still at its path?
        self._conn: Connection | None = None
        self._tx: RootTransaction | None = None

    def __enter__(self) -> Self:
        if self._shared and self._conn is not None:  # borrowed inside request_reads
            self._borrowers += 1
            return self
        if self._writer is not None:
            self._writer.acquire()
        try:
            conn = self._connections.take() if self._connections else self._engine.connect()
            self._conn = conn
            if self._checkpointer is not None:
                _leave_checkpoints_to_the_thread(conn)
            if not self._shared:  # a request's reads run statement by statement
                self._tx = conn.begin()
        except BaseException:
            self._release(healthy=False)
            raise
        return self

    @property
    def connection(self) -> Connection:
        assert self._conn is not None, "a repository used outside of `with uow:`"
        return self._conn

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._borrowers:
            self._borrowers -= 1  # the connection goes back when request_reads ends
            return
        # A domain refusal ("no such account") leaves the connection as good as before, and so
        # does a write in place refused before it began (`loop_writes`) while this one read.
        self._release(healthy=exc is None or isinstance(exc, (DomainError, WriteWouldWait)))
        if exc is not None and key_taken(exc):
            # A transfer's row is sent with a later statement or the commit (SqlTransfers.add):
            # whichever found the key taken, the caller hears what a race it lost means.
            raise DuplicateIdempotencyKey("another request with this key came first") from exc

    def _release(self, healthy: bool) -> None:
        try:
            if self._conn is not None:
                drop_deferred(self._conn)  # not committed: queued writes are never sent
            if self._tx is not None and self._tx.is_active:
                self._tx.rollback()
            if self._connections is not None and self._conn is not None:
                if self._conn.in_transaction():  # a Core statement's autobegin: sends nothing
                    self._conn.rollback()
                self._connections.give_back(self._conn, healthy)
            elif self._conn is not None:
                self._conn.close()
        finally:
            self._tx = self._conn = None
            for name in _REPOSITORIES & vars(self).keys():  # none outlives its transaction
                delattr(self, name)
            if self._writer is not None:
                self._writer.release()

    def commit(self) -> None:
        assert self._tx is not None, "commit outside of `with uow:`"
        assert not self._shared, "a shared read transaction commits nothing"
        assert self._conn is not None
        audit = vars(self).get("audit")  # made only if this transaction appended or read
        if audit is not None:
            audit.place()
        if self._file is not None:
            self._file.check()  # never acknowledge writes into a moved or deleted file
        # Queued writes and the COMMIT in one round trip; if a write fails, nothing commits.
        send_deferred(self._conn, commit=True)
        self._tx.commit()
        self._tx = None
        self.committed = True
        if self._checkpointer is not None:
            self._checkpointer.committed()

    def rollback(self) -> None:
        if (audit := vars(self).get("audit")) is not None:
            audit.discard()
        if self._conn is not None:
            drop_deferred(self._conn)
        if self._tx is not None and self._tx.is_active:
            self._tx.rollback()


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
        self._loop_transaction: _LoopTransaction | None = None  # writes in place, uncommitted
        self._loop_writes_resume_at = 0.0  # paused until then when they were slow
        self._turn_kept = False  # the writer turn, taken for the loop's next transaction
        self._loop_write_seconds = 0.0  # how long writes in place take, a moving average

    def __call__(self, *, write: bool = False) -> SqlUnitOfWork:
        if write:
            block: _WritesInPlace | None = getattr(self._reading, "writes", None)
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
        return _WritesInPlace(self)

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
                _roll_back_quietly(open_.conn)
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
            if in_place and _busy(error):  # its connection is closed for good by now
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
            _roll_back_quietly(open_.conn)
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


class _WritesInPlace:
    """A `loop_writes` block. Its write units of work are savepoints in the loop's open
    transaction (`_LoopTransaction`): the first of a block that finds none opens it, taking
    the writer turn if it is free or kept for it (else `WriteWouldWait`, or `WriterTurnTaken`
    when another process has it, having written nothing). Only that
    one may refuse, so a block refused has committed nothing (a refusal after a commit, which
    no quick endpoint can meet, is raised as an error instead, so the request is never run
    twice)."""

    def __init__(self, factory: SqlUnitOfWorkFactory) -> None:
        assert factory._writer is not None and factory._loop_writers is not None
        self._factory = factory
        self._writer = factory._writer
        self._made: list[_InPlaceUnitOfWork] = []
        self._began = 0.0
        self.pending = False

    def __enter__(self) -> None:
        self._began = time.monotonic()
        self._factory._reading.writes = self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        factory = self._factory
        factory._reading.writes = None
        if self._made and (open_ := factory._loop_transaction) is not None:
            open_.loop_seconds += time.monotonic() - self._began
            self.pending = True  # it read others' uncommitted writes, if it wrote nothing
        committed = any(uow.committed for uow in self._made)
        self._made.clear()
        if committed and isinstance(exc, (ReadWouldWait, WriteWouldWait)):
            raise RuntimeError("a request refused in place after it had committed") from exc

    def unit_of_work(self) -> SqlUnitOfWork:
        open_ = self._factory._loop_transaction
        if open_ is None:
            open_ = self._open()
        uow = _InPlaceUnitOfWork(self._factory._writing, open_)
        self._made.append(uow)
        return uow

    def _open(self) -> _LoopTransaction:
        factory = self._factory
        assert factory._loop_writers is not None
        try:
            conn = factory._loop_writers.take()
        except ReadWouldWait as error:
            raise WriteWouldWait("no connection opened for writes in place yet") from error
        if factory._turn_kept:  # waited for on a thread (`wait_for_writer_turn`)
            factory._turn_kept = False
        elif (refusal := self._writer.try_acquire()) is not None:
            factory._loop_writers.give_back(conn, healthy=True)
            if refusal is Refusal.ANOTHER_PROCESS:
                raise WriterTurnTaken(refusal.value)
            raise WriteWouldWait(refusal.value)
        try:
            tx = conn.begin()  # BEGIN IMMEDIATE: a writer outside Vaani makes it wait briefly
        except BaseException as error:
            factory._loop_writers.give_back(conn, healthy=False)
            self._writer.release()
            if _busy(error):
                raise WriteWouldWait("the database is busy") from error  # nothing written
            raise
        open_ = factory._loop_transaction = _LoopTransaction(conn, tx)
        return open_


class _LoopTransaction:
    """The writes in place not committed yet: one transaction on the loop's writer connection,
    with the writer turn, from the first write of a `loop_writes` block to
    `commit_loop_writes`."""

    def __init__(self, conn: Connection, tx: RootTransaction) -> None:
        self.conn = conn
        self.tx = tx
        dbapi_connection = conn.connection.dbapi_connection
        assert dbapi_connection is not None
        self.driver: sqlite3.Connection = dbapi_connection  # type: ignore[assignment]
        self.thread = threading.get_ident()  # the loop's
        self.units = 0  # units of work committed in it
        self.loop_seconds = 0.0  # the loop's time in its blocks
        self.lost: BaseException | None = None  # why it can no longer commit

    def run(self, statement: str) -> None:
        """A savepoint statement. SQLite rolls a whole transaction back on some errors (a full
        disk, an I/O error): what the others wrote is gone then, and it must not commit."""
        if self.lost is not None:
            raise OperationalError(statement, None, self.lost) from self.lost
        try:
            if not self.driver.in_transaction:
                raise sqlite3.OperationalError("the transaction was rolled back")
            self.driver.execute(statement)
        except sqlite3.Error as error:
            self.lost = error
            raise OperationalError(statement, None, error) from error


class _InPlaceUnitOfWork(SqlUnitOfWork):
    """A write unit of work of a `loop_writes` block: a savepoint in the loop's open
    transaction. Its commit releases the savepoint; what it wrote is durable once
    `commit_loop_writes` has committed the transaction, and a rollback (a domain refusal)
    undoes it alone."""

    def __init__(self, engine: Engine, transaction: _LoopTransaction) -> None:
        super().__init__(engine, True, None)
        self._open = transaction

    def __enter__(self) -> Self:
        self._open.run("SAVEPOINT in_place")
        self._conn = self._open.conn
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if not self.committed and self._conn is not None:
                self._undo()
        finally:
            self._conn = None
            for name in _REPOSITORIES & vars(self).keys():
                delattr(self, name)

    def commit(self) -> None:
        assert self._conn is not None and not self.committed, "commit outside of `with uow:`"
        audit = vars(self).get("audit")
        if audit is not None:
            audit.place()  # sealed after the last record of the transaction, ours or others'
        self._open.run("RELEASE in_place")
        self.committed = True
        self._open.units += 1

    def rollback(self) -> None:
        if (audit := vars(self).get("audit")) is not None:
            audit.discard()
        if not self.committed and self._conn is not None:
            self._undo()
            self._open.run("SAVEPOINT in_place")  # still inside `with uow:`

    def _undo(self) -> None:
        try:
            self._open.run("ROLLBACK TO in_place")
            self._open.run("RELEASE in_place")
        except OperationalError:
            pass  # the transaction is lost (`lost`): every write waiting on it is refused


def _roll_back_quietly(conn: Connection) -> None:
    """Roll back what the connection has open; it is closed anyway if that fails."""
    try:
        conn.rollback()
    except Exception:
        log.warning("a rollback of writes in place failed; their connection is closed",
                    exc_info=True)


def _wait_briefly(conn: Connection) -> None:
    dbapi_connection = conn.connection.dbapi_connection
    assert dbapi_connection is not None
    dbapi_connection.execute(f"PRAGMA busy_timeout={LOOP_BUSY_TIMEOUT_MS}")


def _write_without_checkpoints(conn: Connection) -> None:
    """The loop's writer: its commits leave WAL checkpoints to a thread (checkpointer.py)."""
    _wait_briefly(conn)
    _leave_checkpoints_to_the_thread(conn)


def _leave_checkpoints_to_the_thread(conn: Connection) -> None:
    """A writer's connection whose commits never checkpoint: SQLite would run the checkpoint
    inside the COMMIT, while this process holds the writer turn (checkpointer.py). Once per
    connection: the setting lasts as long as it does."""
    if conn.connection.info.get("vaani_checkpoints_left") is None:
        dbapi_connection = conn.connection.dbapi_connection
        assert dbapi_connection is not None
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")
        conn.connection.info["vaani_checkpoints_left"] = True


def _busy(error: BaseException) -> bool:
    """SQLITE_BUSY, raised by Core (wrapped) or by the driver itself (our BEGIN, engine.py)."""
    code = getattr(getattr(error, "orig", error), "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY  # extended codes too


_REPOSITORIES = frozenset(name for name, value in vars(SqlUnitOfWork).items()
                          if isinstance(value, _Repository))
