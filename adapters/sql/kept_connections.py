"""Connections kept checked out of the pool between units of work.

A pool checkout and checkin through SQLAlchemy cost ~150,000-240,000 instructions (events,
reset, the fairy's bookkeeping) — a fifth of a balance request's, and on SQLite spent while
the process's writer lock is held. The busiest units of work (a request's reads, writers) take
a kept connection instead, most recently used first. Kept connections follow the pool's rules:
one idle for PING_AFTER_IDLE_SECONDS is pinged before use, one the server dropped (or whose
unit of work failed on something other than a domain refusal) is never kept, and `close`
returns them all at shutdown."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy.engine import Connection, Engine

from adapters.sql.engine import PING_AFTER_IDLE_SECONDS
from application.ports import ReadWouldWait


def kept_per_kind(pool_size: int) -> int:
    """How many connections are kept for each kind (request readers, writers): a few, and never
    more than an eighth of what the pool lends (pool size plus as many again) per kind, so what
    idles here cannot leave the HTTP threads waiting on the pool (settings.py counts them)."""
    return min(4, pool_size // 4)


class KeptConnections:
    def __init__(self, engine: Engine, limit: int) -> None:
        self._engine = engine
        self._limit = limit  # more than this at once go back to the pool
        self._idle: list[tuple[Connection, float]] = []  # list.pop/append: atomic across threads

    def take(self) -> Connection:
        now = time.monotonic()
        while True:
            try:
                conn, idle_since = self._idle.pop()
            except IndexError:
                return self._connect()
            if not conn.invalidated and (now - idle_since < PING_AFTER_IDLE_SECONDS
                                         or self._answers(conn)):
                return conn
            # The server went away while it was idle: never back to the pool, which would
            # count it as just used and hand it out without a ping.
            _discard(conn)

    def give_back(self, conn: Connection, healthy: bool) -> None:
        if healthy and not conn.invalidated and len(self._idle) < self._limit:
            self._idle.append((conn, time.monotonic()))
        else:
            self._let_go(conn)  # a failed unit of work's connection, or one more than we keep

    def close(self) -> None:
        while self._idle:
            self._let_go(self._idle.pop()[0])

    def _connect(self) -> Connection:
        return self._engine.connect()

    def _let_go(self, conn: Connection) -> None:
        conn.close()  # back to the pool

    def _answers(self, conn: Connection) -> bool:
        """The ping the pool gives a connection idle that long (engine.py)."""
        dialect = self._engine.dialect
        dbapi_connection = conn.connection.dbapi_connection
        try:
            return dbapi_connection is not None and bool(dialect.do_ping(dbapi_connection))
        except dialect.loaded_dbapi.Error:
            return False


class InPlaceConnections(KeptConnections):
    """The connection the event loop reads on (SQLite): opened and prepared on a worker thread
    (`keep_one`), since opening a file may wait for its locks as long as any connection would;
    `take` hands out only one opened beforehand, else refuses at once (`ReadWouldWait`)."""

    def __init__(self, engine: Engine, prepare: Callable[[Connection], None]) -> None:
        super().__init__(engine, 1)
        self._prepare = prepare  # changes the connection for this use only
        self._count = threading.Lock()  # never held while anything waits
        self._lent = 0  # taken, or being opened, and not given back yet

    def take(self) -> Connection:
        with self._count:
            if not self._idle:
                raise ReadWouldWait("no connection opened for reads in place yet")
            conn, _ = self._idle.pop()  # one idle for long is pinged by `keep_one`, not here
            self._lent += 1
        if conn.invalidated:
            self.give_back(conn, healthy=False)
            raise ReadWouldWait("the connection for reads in place was closed")
        return conn

    def give_back(self, conn: Connection, healthy: bool) -> None:
        with self._count:
            self._lent -= 1
            super().give_back(conn, healthy)

    def keep_one(self) -> None:
        """On a worker thread: open the loop's connection if it has none, or check the one it
        has if it was idle for long (as the pool would before lending it)."""
        if not self._wanted():  # the usual case: no lock taken
            return
        with self._count:
            if not self._wanted():
                return
            self._lent += 1  # this thread opens it; no other does meanwhile
        try:
            conn = KeptConnections.take(self)  # pings an idle one, or opens and prepares one
        except BaseException:
            with self._count:
                self._lent -= 1
            raise
        self.give_back(conn, healthy=True)

    def _connect(self) -> Connection:
        conn = self._engine.connect()
        try:
            self._prepare(conn)
        except BaseException:
            _discard(conn)
            raise
        return conn

    def _let_go(self, conn: Connection) -> None:
        _discard(conn)  # changed for us: never lent to anyone else from the pool

    def _wanted(self) -> bool:
        if self._lent:
            return False
        idle = self._idle[-1:]
        return not idle or time.monotonic() - idle[0][1] >= PING_AFTER_IDLE_SECONDS


def _discard(conn: Connection) -> None:
    """Closed for good: the pool opens a new connection in its place."""
    if not conn.invalidated:
        conn.invalidate()
    conn.close()
