"""Monthly partitions of the two tables that only grow: the ledger's entries by `posted_at` and
the audit trail by `occurred_at` (PostgreSQL only; SQLite keeps one table each).

A range read (a statement, a page of a month, an operator's report) then touches only the
months it covers (partition pruning), and an old month can be archived or moved to cheaper
storage as one table. Every month from the first posting to a year ahead has its partition;
anything outside lands in the table's DEFAULT partition and moves into its month when that
month is created (`ensure_months`, run by every `vaani db upgrade`).

What partitioning costs: a unique constraint must include the partition key, so PostgreSQL
cannot enforce `ledger_entries.id` and `audit_events.id` alone (random UUIDs), and the
one-debit-one-credit rule is enforced per (transfer, leg, posted_at) — both legs of a transfer
carry the same `posted_at`, a posting is written once under the transfer's row lock, and
`vaani ledger verify` checks every transfer's legs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# table -> the column its months are cut by
MONTHLY = {"ledger_entries": "posted_at", "audit_events": "occurred_at"}
MONTHS_AHEAD = 12


def month_name(table: str, month: date) -> str:
    return f"{table}_y{month.year:04d}m{month.month:02d}"


def is_partition(table_name: str) -> bool:
    """True for a month's or a default partition (autogenerate compares the parents only)."""
    return any(re.fullmatch(rf"{t}_(default|y\d{{4}}m\d{{2}})", table_name) for t in MONTHLY)


def _next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _months(first: date, months: int) -> Iterator[date]:
    month = first.replace(day=1)
    for _ in range(months):
        yield month
        month = _next(month)


def _bound(month: date) -> str:
    return datetime(month.year, month.month, 1, tzinfo=UTC).isoformat()


def _existing(conn: Connection, table: str) -> set[str]:
    return set(conn.execute(sa.text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :t"), {"t": table}).scalars())


def first_month(conn: Connection, relation: str, column: str) -> date | None:
    """The month of `relation`'s earliest `column`, if it has rows. Names come from MONTHLY
    only, never from input (hence the noqa)."""
    first = conn.execute(sa.text(f"SELECT min({column}) FROM {relation}")).scalar()  # noqa: S608
    return first.astimezone(UTC).date().replace(day=1) if first else None


def ensure_months(conn: Connection, today: date, ahead: int = MONTHS_AHEAD,
                  since: dict[str, date | None] | None = None) -> list[str]:
    """Create each table's month partitions from its earliest row waiting in the DEFAULT
    partition (or `since[table]`, or this month) to `ahead` months on; those rows move into
    their month in the same transaction. Returns the partitions created. Only the DEFAULT
    partition is searched (small): rows in a month's partition already have their month."""
    created: list[str] = []
    this_month = today.replace(day=1)
    for table, column in MONTHLY.items():
        existing = _existing(conn, table)
        first = (since or {}).get(table) or first_month(conn, f"{table}_default", column) \
            or this_month
        first = min(first, this_month)
        count = (this_month.year - first.year) * 12 + this_month.month - first.month + ahead + 1
        for month in _months(first, count):
            name = month_name(table, month)
            if name in existing:
                continue
            _create_month(conn, table, column, month, name)
            created.append(name)
    return created


def _create_month(conn: Connection, table: str, column: str, month: date, name: str) -> None:
    """Names come from MONTHLY and dates from `month`, never from input."""
    low, high = _bound(month), _bound(_next(month))
    conn.execute(sa.text(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS "
                         "INCLUDING CONSTRAINTS)"))
    move = (f"WITH moved AS (DELETE FROM {table}_default WHERE {column} >= :low "  # noqa: S608
            f"AND {column} < :high RETURNING *) INSERT INTO {name} SELECT * FROM moved")
    conn.execute(sa.text(move), {"low": low, "high": high})
    conn.execute(sa.text(f"ALTER TABLE {table} ATTACH PARTITION {name} "
                         f"FOR VALUES FROM ('{low}') TO ('{high}')"))


def compared(obj: object, name: str | None, type_: str, reflected: bool,
             compare_to: object) -> bool:
    """Alembic's filter when comparing the code's tables with a database: partitions are not
    tables of their own, and a partitioned table's unique constraints differ by design (they
    carry the partition column; see above)."""
    owner = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    if owner is not None and is_partition(owner):
        return False
    return not (type_ == "unique_constraint" and owner in MONTHLY)
