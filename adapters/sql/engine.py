"""Engines for the two SQL profiles, configured once per process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
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


def create_sql_engine(url: str, *, sqlite_synchronous: str = "FULL", pool_size: int = 10) -> Engine:
    url = normalise_url(url)
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, sqlite_synchronous, pool_size)
    if parsed.get_backend_name() == "postgresql":
        engine = sa.create_engine(url, pool_size=pool_size, max_overflow=pool_size,
                                  pool_pre_ping=True)
        # Queued writes (adapters/sql/prepared.py) go before any statement of Core's own (or a
        # savepoint), so it sees them, and before a commit; a rollback drops them unsent.
        event.listen(engine, "before_execute", _send_deferred_first)
        event.listen(engine, "commit", send_deferred)
        event.listen(engine, "rollback", drop_deferred)
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
        # A writer takes the database lock up front: no deadlock-prone lock upgrades later.
        write = conn.get_execution_options().get("vaani_write", False)
        # Straight to the driver: one statement per transaction needs no Core round trip.
        dbapi_connection = conn.connection.dbapi_connection
        assert dbapi_connection is not None
        dbapi_connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _send_deferred_first(conn: sa.Connection, *_: Any) -> None:
    send_deferred(conn)


def database_unavailable(error: BaseException) -> bool:
    """The database could not be reached or dropped the connection (a restart, a failover, a
    busy SQLite file past its timeout): the request may be retried, nothing was committed."""
    if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError))
