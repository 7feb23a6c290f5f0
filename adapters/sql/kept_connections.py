"""Connections kept checked out of the pool between units of work.

A pool checkout and checkin through SQLAlchemy (events, reset, the fairy's bookkeeping) are a
large share of a balance request's work, and on SQLite are spent while the process's writer
lock is held. The busiest units of work (a request's reads, writers) take
a kept connection instead, most recently used first. Kept connections follow the pool's rules:
one idle for PING_AFTER_IDLE_SECONDS is pinged before use, one the server dropped (or whose
unit of work failed on something other than a domain refusal) is never kept, and `close`
returns them all at shutdown."""

from __future__ import annotations

import time
from typing import Protocol

from sqlalchemy.engine import Connection, Engine

from adapters.sql.engine import PING_AFTER_IDLE_SECONDS


def kept_per_kind(pool_size: int) -> int:
    """How many connections are kept for each kind (request readers, writers): a few, and never
    more than an eighth of what the pool lends (pool size plus as many again) per kind, so what
    idles here cannot leave the HTTP threads waiting on the pool (settings.py counts them)."""
    return min(4, pool_size // 4)


class Connections(Protocol):
    """Where a unit of work takes its connection from and gives it back to."""

    def take(self) -> Connection: ...
    def give_back(self, conn: Connection, healthy: bool) -> None: ...


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
            discard(conn)

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


def discard(conn: Connection) -> None:
    """Closed for good: the pool opens a new connection in its place."""
    if not conn.invalidated:
        conn.invalidate()
    conn.close()
