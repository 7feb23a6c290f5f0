"""PostgreSQL writers taking turns on one thing, for a read-modify-write that must count every
attempt: failed logins, failed voice attempts. Two transactions reading the same counter at
once would each write back their own +1, and a wrong password or voice sent in parallel would
go uncounted (a lockout outrun). SQLite's writers, and the memory profile's, already take turns:
the whole database is the writer's."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

_TAKE_TURN = sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))")


def serialised_writer(conn: Connection) -> bool:
    """A PostgreSQL write transaction (SQLite's writers hold the whole database)."""
    return conn.dialect.name == "postgresql" and \
        bool(conn.get_execution_options().get("vaani_write"))


def take_turn(conn: Connection, name: str) -> None:
    """Wait until no other write transaction holds `name`, then hold it until this one ends.
    An advisory lock, not a row lock: the row may not exist yet, and two first attempts must
    not both insert it."""
    if serialised_writer(conn):
        conn.execute(_TAKE_TURN, {"name": name})
