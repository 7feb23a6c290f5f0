"""Writes in place (SQLite): the event loop's write transactions sharing one transaction and one
COMMIT (`SqlUnitOfWorkFactory.loop_writes` and `commit_loop_writes`), and the unit of work each
block hands its use case."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy.engine import Connection, Engine, RootTransaction
from sqlalchemy.exc import OperationalError

from adapters.sql.transaction import REPOSITORIES, SqlUnitOfWork, busy
from adapters.sql.writer_turn import Refusal
from application.ports import (
    ReadWouldWait,
    WriterTurnTaken,
    WriteWouldWait,
)

if TYPE_CHECKING:
    from adapters.sql.unit_of_work import SqlUnitOfWorkFactory

log = logging.getLogger(__name__)


class WritesInPlaceBlock:
    """A `loop_writes` block. Its write units of work are savepoints in the loop's open
    transaction (`LoopTransaction`): the first of a block that finds none opens it, taking
    the writer turn if it is free or kept for it (else `WriteWouldWait`, or `WriterTurnTaken`
    when another process has it, having written nothing). Only that
    one may refuse, so a block refused has committed nothing (a refusal after a commit, which
    no quick endpoint can meet, is raised as an error instead, so the request is never run
    twice)."""

    def __init__(self, factory: SqlUnitOfWorkFactory) -> None:
        assert factory._writer is not None and factory._loop_writers is not None
        self._factory = factory
        self._writer = factory._writer
        self._made: list[InPlaceUnitOfWork] = []
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
        uow = InPlaceUnitOfWork(self._factory._writing, open_)
        self._made.append(uow)
        return uow

    def _open(self) -> LoopTransaction:
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
            if busy(error):
                raise WriteWouldWait("the database is busy") from error  # nothing written
            raise
        open_ = factory._loop_transaction = LoopTransaction(conn, tx)
        return open_


class LoopTransaction:
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


class InPlaceUnitOfWork(SqlUnitOfWork):
    """A write unit of work of a `loop_writes` block: a savepoint in the loop's open
    transaction. Its commit releases the savepoint; what it wrote is durable once
    `commit_loop_writes` has committed the transaction, and a rollback (a domain refusal)
    undoes it alone."""

    def __init__(self, engine: Engine, transaction: LoopTransaction) -> None:
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
            for name in REPOSITORIES & vars(self).keys():
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


