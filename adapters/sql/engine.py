"""Engines for the two SQL profiles, configured once per process."""

from __future__ import annotations

import math
import sqlite3
import time
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from adapters.sql.prepared_sending import drop_deferred, send_deferred
from adapters.sql.sqlite.one_writer import DEFAULT_WAIT_SECONDS

SQLITE_SYNCHRONOUS = ("FULL", "NORMAL", "EXTRA")


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


# A pooled PostgreSQL connection is pinged before use when it has been idle this long.
PING_AFTER_IDLE_SECONDS = 1.0


def create_sql_engine(url: str, *, sqlite_synchronous: str = "FULL",
                      sqlite_cache_mib: int | None = None, pool_size: int = 10,
                      ping_after_idle: float = PING_AFTER_IDLE_SECONDS,
                      wait: float = DEFAULT_WAIT_SECONDS) -> Engine:
    """`wait`: how long a statement waits for a lock, a pooled connection or a new one before
    it fails as `database_unavailable` (VAANI_DB_WAIT_SECONDS): a request is answered 503 in
    about that time, where it would hang while another transaction holds what it needs.
    `sqlite_cache_mib`: each SQLite connection's page cache (VAANI_SQLITE_CACHE_MIB; None keeps
    SQLite's own, about 2 MiB)."""
    url = normalise_url(url)
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, sqlite_synchronous, sqlite_cache_mib, pool_size, wait)
    if parsed.get_backend_name() == "postgresql":
        # libpq counts its connect timeout in whole seconds, 2 at least; the URL's own
        # `options`, if any, are kept.
        given = parsed.query.get("options", ())
        options = " ".join([*((given,) if isinstance(given, str) else given),
                            f"-c lock_timeout={round(wait * 1000)}"])
        engine = sa.create_engine(url, pool_size=pool_size, max_overflow=pool_size,
                                  pool_timeout=wait, connect_args={
                                      "connect_timeout": max(2, math.ceil(wait)),
                                      "options": options})
        event.listen(engine, "connect", _no_prepared_statements_of_psycopgs_own)
        _ping_when_idle(engine, ping_after_idle)
        # Queued writes (adapters/sql/prepared_sending.py) go before any statement of Core's own (or a
        # savepoint), so it sees them, and before a commit; a rollback drops them unsent.
        event.listen(engine, "before_execute", _send_deferred_first)
        event.listen(engine, "commit", send_deferred)
        event.listen(engine, "rollback", drop_deferred)
        return engine
    raise ValueError(f"unsupported database URL scheme: {parsed.drivername}")


def _sqlite_engine(url: sa.URL, synchronous: str, cache_mib: int | None, pool_size: int,
                   wait: float) -> Engine:
    if synchronous.upper() not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"VAANI_SQLITE_SYNCHRONOUS must be one of {SQLITE_SYNCHRONOUS}")
    if url.database in (None, "", ":memory:"):
        raise ValueError("the sqlite profile needs a database file, not :memory:")
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": wait},
                              pool_size=pool_size, max_overflow=pool_size, pool_timeout=wait)
    busy_timeout_ms = round(wait * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        # Take over transaction control from the sqlite3 module, so we can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        if cache_mib is not None:  # negative: a size in KiB, not a count of pages
            cursor.execute(f"PRAGMA cache_size=-{int(cache_mib) * 1024}")
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
    is a round trip added to every unit of work, a short read's included. A connection returned a
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


def _no_prepared_statements_of_psycopgs_own(dbapi_connection: Any, _: Any) -> None:
    """The money path's statements are prepared by postgres/pipeline.py; psycopg, which prepares a
    statement it has run five times, would send DEALLOCATE ALL at a rollback and drop those
    too. Core's own statements (rare, off the money path) are parsed each time instead."""
    dbapi_connection.prepare_threshold = None


def _send_deferred_first(conn: sa.Connection, *_: Any) -> None:
    send_deferred(conn)


def database_unavailable(error: BaseException) -> bool:
    """The database could not be reached or dropped the connection (a restart, a failover), or
    did not give what a request needs within the wait (a lock held elsewhere, a busy SQLite
    file, the writer turn, an exhausted pool), or its file is gone (sqlite/database_file.py): the
    request may be retried, nothing was committed. Driver errors count whether SQLAlchemy
    wrapped them or not: SQLite's BEGIN (above) and the writer turn raise them bare."""
    if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
        return True
    if _schema_mistake(error):
        return False
    return isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError,
                              sa.exc.TimeoutError, sqlite3.OperationalError,
                              psycopg.OperationalError))


# SQLite reports a schema that does not match the code (a migration not run, a bug) as an
# OperationalError too: no retry mends it, so it must surface as an error, not as a 503.
_SCHEMA_MISTAKES = ("no such table", "no such column", "no such function", "has no column",
                    "syntax error", "already exists")


def _schema_mistake(error: BaseException) -> bool:
    driver = getattr(error, "orig", None) or error
    if not isinstance(driver, sqlite3.OperationalError):
        return False
    message = str(driver)
    return any(mistake in message for mistake in _SCHEMA_MISTAKES)
