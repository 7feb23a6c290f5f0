"""The connections the event loop reads and writes on (SQLite): opened and prepared on a worker
thread, since opening a file may wait for its locks as long as any connection would; the loop
itself never opens one."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy.engine import Connection, Engine

from adapters.sql.engine import PING_AFTER_IDLE_SECONDS
from adapters.sql.kept_connections import KeptConnections, discard
from adapters.sql.sqlite.would_wait import ReadWouldWait


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
            discard(conn)
            raise
        return conn

    def _let_go(self, conn: Connection) -> None:
        discard(conn)  # changed for us: never lent to anyone else from the pool

    def _wanted(self) -> bool:
        if self._lent:
            return False
        idle = self._idle[-1:]
        return not idle or time.monotonic() - idle[0][1] >= PING_AFTER_IDLE_SECONDS
