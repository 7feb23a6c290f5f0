"""PostgreSQL writers taking turns on one thing, for a read-modify-write that must count every
attempt: failed logins, failed voice attempts, payments folded into the fraud profiles. Two
transactions reading the same counter at once would each write back their own +1, and a wrong
password or voice sent in parallel would go uncounted (a lockout outrun). SQLite's writers, and
the memory profile's, already take turns: the whole database is the writer's."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.prepared import Prepared

_TAKE_TURN = Prepared(sa.select(sa.func.pg_advisory_xact_lock(
    sa.func.hashtextextended(sa.bindparam("name", type_=sa.Text), 0)).label("taken")))


def take_turn(conn: Connection, name: str) -> None:
    """Wait until no other write transaction holds `name`, then hold it until this one ends.
    An advisory lock, not a row lock: the row may not exist yet, and two first attempts must
    not both insert it."""
    if conn.dialect.name == "postgresql" and conn.get_execution_options().get("vaani_write"):
        # Queued, so it travels with the read that follows it: one round trip, lock first.
        _TAKE_TURN.defer(conn, {"name": name})
