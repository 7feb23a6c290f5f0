"""Positions in PostgreSQL's write-ahead log (WAL), asked of a server outside any transaction.

A replica replays the primary's WAL in order, so "has the replica seen this commit?" is "has it
replayed the WAL up to where the primary had written once the commit returned?": the primary's
`pg_current_wal_insert_lsn()` asked after the COMMIT, against the replica's
`pg_last_wal_replay_lsn()`. (The insert position, not `pg_current_wal_lsn()`, the write
position: with `synchronous_commit = off` a commit returns before its record is written out.)"""

from __future__ import annotations

from typing import Any

from psycopg import errors, pq
from psycopg.generators import execute
from sqlalchemy.engine import Connection

WRITTEN = b"SELECT pg_current_wal_insert_lsn()"  # on the primary
REPLAYED = b"SELECT pg_last_wal_replay_lsn()"  # on a replica; NULL on a server not in recovery


def position(conn: Connection, query: bytes) -> int | None:
    """`query`'s one LSN as a number (None for NULL), in one round trip. Sent by libpq as a
    simple query with no transaction around it, so neither psycopg nor SQLAlchemy has one left
    to end: a connection between units of work stays as it was, and the unit of work about to
    begin on it is the first to send BEGIN."""
    dbapi_connection: Any = conn.connection.dbapi_connection
    pgconn = dbapi_connection.pgconn
    pgconn.send_query(query)
    result = dbapi_connection.wait(execute(pgconn))[-1]
    if result.status != pq.ExecStatus.TUPLES_OK:
        raise errors.error_from_result(result, encoding=pgconn._encoding)
    value = result.get_value(0, 0)
    return None if value is None else lsn(bytes(value).decode())


def lsn(text: str) -> int:
    """PostgreSQL's `pg_lsn` text, `16/B374D848` (the high and low 32 bits in hexadecimal)."""
    high, low = text.split("/")
    return int(high, 16) << 32 | int(low, 16)
