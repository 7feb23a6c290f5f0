"""Engines for the two SQL profiles, configured once per process."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from psycopg import pq
from sqlalchemy import event
from sqlalchemy.engine import Engine

from adapters.sql.prepared import drop_deferred, send_deferred

SQLITE_SYNCHRONOUS = ("FULL", "NORMAL", "EXTRA")


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


# A pooled PostgreSQL connection is pinged before use when it has been idle this long.
PING_AFTER_IDLE_SECONDS = 1.0


def create_sql_engine(url: str, *, sqlite_synchronous: str = "FULL", pool_size: int = 10,
                      ping_after_idle: float = PING_AFTER_IDLE_SECONDS) -> Engine:
    url = normalise_url(url)
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, sqlite_synchronous, pool_size)
    if parsed.get_backend_name() == "postgresql":
        engine = sa.create_engine(url, pool_size=pool_size, max_overflow=pool_size)
        _ping_when_idle(engine, ping_after_idle)
        # Queued writes (adapters/sql/prepared.py) go before any statement of Core's own (or a
        # savepoint), so it sees them, and before a commit; a rollback drops them unsent.
        event.listen(engine, "before_execute", _send_deferred_first)
        event.listen(engine, "commit", send_deferred)
        event.listen(engine, "rollback", drop_deferred)
        event.listen(engine, "rollback", _roll_back_keeping_prepared_statements)
        return engine
    raise ValueError(f"unsupported database URL scheme: {parsed.drivername}")


def _sqlite_engine(url: sa.URL, synchronous: str, pool_size: int) -> Engine:
    if synchronous.upper() not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"VAANI_SQLITE_SYNCHRONOUS must be one of {SQLITE_SYNCHRONOUS}")
    if url.database in (None, "", ":memory:"):
        raise ValueError("the sqlite profile needs a database file, not :memory:")
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                              pool_size=pool_size, max_overflow=pool_size)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        # Take over transaction control from the sqlite3 module, so we can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        options = conn.get_execution_options()
        if options.get("vaani_no_begin"):
            # A request's reads: the driver is in autocommit mode (isolation_level None), so
            # each SELECT is a transaction of its own and the rollback at the end sends nothing.
            return
        # A writer takes the database lock up front: no deadlock-prone lock upgrades later.
        write = options.get("vaani_write", False)
        # Straight to the driver: one statement per transaction needs no Core round trip.
        dbapi_connection = conn.connection.dbapi_connection
        assert dbapi_connection is not None
        dbapi_connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _ping_when_idle(engine: Engine, idle: float) -> None:
    """pool_pre_ping, but only for a connection idle for `idle` seconds or more: under load a
    connection goes back and out of the pool many times a second, and a ping on every checkout
    is a round trip per unit of work (a fifth of a balance request's). A connection returned a
    moment ago is used as it is; if the server went away in that moment, its request fails
    like any request in flight during a restart (503, retried under its Idempotency-Key) and
    the pool replaces every connection older than the failure."""

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _seen_alive(_: Any, record: Any) -> None:
        record.info["vaani_alive_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection: Any, record: Any, _: Any) -> None:
        alive_at = record.info.get("vaani_alive_at")
        if alive_at is not None and time.monotonic() - alive_at < idle:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                # The pool replaces this connection and every one older, then retries.
                raise sa.exc.InvalidatePoolError() from error
            raise


def _roll_back_keeping_prepared_statements(conn: sa.Connection) -> None:
    """Sends the ROLLBACK itself, so that psycopg keeps its prepared statements. At every
    ROLLBACK psycopg forgets them all, and has the server drop them (DEALLOCATE ALL, a round
    trip before the next statement), in case the transaction had created or changed what they
    name; Vaani changes its schema only in migrations, never in a transaction that rolls back.
    Read units of work end in ROLLBACK, so their statements were never prepared (no statement
    reached psycopg's five uses between two rollbacks): the in-process session check parsed
    and planned its SELECT every time (0.60 -> 0.50 ms a check). A refused transfer made its
    connection parse each statement of its next five transfers anew. The driver's own rollback
    then finds the connection idle and sends nothing; should this one fail (a connection the
    server dropped), the driver's runs as before and reports it. Only a transaction in which
    nothing failed: after a failed statement in a pipeline, psycopg may count as prepared a
    statement the server never saw (the storm test met "prepared statement does not exist"),
    and its own rollback, which forgets them all, puts that right."""
    if conn.closed or conn.invalidated:
        return  # nothing to roll back on the wire; asking for the connection would reconnect
    dbapi_connection = conn.connection.dbapi_connection
    if not isinstance(dbapi_connection, psycopg.Connection):
        return
    pgconn = dbapi_connection.pgconn
    if pgconn.transaction_status != pq.TransactionStatus.INTRANS:
        return
    # Should it fail, the driver's rollback, next, meets the same failure and raises it.
    with contextlib.suppress(psycopg.Error):
        pgconn.exec_(b"ROLLBACK")


def _send_deferred_first(conn: sa.Connection, *_: Any) -> None:
    send_deferred(conn)


def database_unavailable(error: BaseException) -> bool:
    """The database could not be reached or dropped the connection (a restart, a failover, a
    busy SQLite file past its timeout): the request may be retried, nothing was committed."""
    if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError))
