"""The event loop's open write transaction (SQLite) and the unit of work each write in place gets
in it: a savepoint, so that a refusal undoes its own writes only, and all of them commit
together (in_place.py)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from types import TracebackType
from typing import Self

from sqlalchemy.engine import Connection, Engine, RootTransaction
from sqlalchemy.exc import OperationalError

from adapters.sql.transaction import REPOSITORIES, SqlUnitOfWork

log = logging.getLogger(__name__)


class LoopTransaction:
    """The writes in place not committed yet: one transaction on the loop's writer connection,
    with the writer turn, from the first write in place to `InPlace.commit`."""

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
    """A write unit of work in place: a savepoint in the loop's open transaction. Its commit
    releases the savepoint; what it wrote is durable once `InPlace.commit` has committed the
    transaction, and a rollback (a domain refusal) undoes it alone."""

    def __init__(self, engine: Engine, transaction: LoopTransaction) -> None:
        super().__init__(engine)
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


def roll_back_quietly(conn: Connection) -> None:
    """Roll back what the connection has open; it is closed anyway if that fails."""
    try:
        conn.rollback()
    except Exception:
        log.warning("a rollback of writes in place failed; their connection is closed",
                    exc_info=True)
