"""Bulk-load a bank's history (bench/history_plan.py) into a database the project migrated, then
run `vaani ledger verify` and `vaani audit verify` on it and fail loudly unless both pass.

Customers and accounts are made by the use cases (registration, account opening with an opening
deposit), on a clock set YEARS back, so they are exactly what the bank makes; only the transfers
between them are written in bulk: executemany on the stdlib sqlite3 driver, COPY on psycopg, in
large transactions, into the complete schema (no index or constraint is dropped). The accounts'
balances and the audit chain's head are moved in the history's last transaction."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from operator import attrgetter
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs
import sqlalchemy as sa

from adapters.sql import create_sql_engine
from adapters.sql.postgres.partitions import MONTHLY, ensure_months
from application.ports import UnitOfWorkFactory
from bench.history_plan import (
    AUDIT_COLUMNS,
    ENTRY_COLUMNS,
    TRANSFER_COLUMNS,
    YEARS,
    History,
    Holder,
    Posting,
    Shape,
)
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import load_settings
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock

CHUNK = 20_000  # postings per transaction
OPENING = "10000000.00"  # each account's opening deposit: no payer ever runs short
SECRET = "history-size-" + "x" * 40
ROOT = Path(__file__).resolve().parent.parent


@attrs.frozen
class Person:
    customer_id: str
    customer_number: str
    accounts: tuple[str, str]


@attrs.frozen
class Loaded:
    people: list[Person]  # the reference account's owner first
    entries: int  # ledger entries in the database
    seconds: dict[str, float]  # customers, history, verify


def settings_env(url: str, **more: str) -> dict[str, str]:
    return {"VAANI_DATABASE_URL": url, "VAANI_JWT_SECRET": SECRET, **more}


def load(url: str, shape: Shape, now: datetime | None = None, *, check: bool = True) -> Loaded:
    """`check=False` skips the verification: only for a database an experiment loads again the
    same way (bench/history_variants.py), never for a figure written into the benchmarks."""
    now = now or datetime.now(UTC)
    began = time.perf_counter()
    people, holders, head = _customers(url, shape, now)
    made = time.perf_counter()
    history = History(holders, shape, *head, now=now)
    write = _write_sqlite if url.startswith("sqlite") else _write_postgres
    write(url, history)
    written = time.perf_counter()
    entries = verify(url) if check else shape.size + 2 * len(holders)
    seconds = {"customers": made - began, "history": written - made,
               "verify": time.perf_counter() - written}
    return Loaded(people, entries, seconds)


def verify(url: str) -> int:
    """Ledger entries in the database, once `vaani ledger verify` and `vaani audit verify`
    passed. Run as the operator runs them, each in a process of its own: the ledger's check
    holds every entry in memory while it runs, and a process gives all of it back."""
    env = {**os.environ, **settings_env(url), "PYTHONPATH": str(ROOT)}
    found = {}
    for command in ("ledger", "audit"):
        done = subprocess.run(  # noqa: S603 - our own interpreter and CLI
            [sys.executable, "-m", "entrypoints.cli.app", command, "verify", "--json"], env=env,
            cwd=ROOT, capture_output=True, text=True, timeout=6 * 3600)
        if done.returncode != 0:
            raise SystemExit(f"the loaded history does not verify: `vaani {command} verify` "
                             f"exited {done.returncode}: {done.stdout[-2000:]} {done.stderr[-2000:]}")
        found[command] = json.loads(done.stdout.strip().splitlines()[-1])
    if not (found["ledger"]["ok"] and found["audit"]["ok"]):
        raise SystemExit(f"the loaded history does not verify: {found}")
    return int(found["ledger"]["entries"])


def _customers(url: str, shape: Shape, now: datetime) -> tuple[list[Person], list[Holder],
                                                                  tuple[int, str]]:
    """Customers with two funded accounts each, opened YEARS before `now`; and the audit head.
    Cheap password hashing: the argon2 parameters are kept in each hash, logins still work."""
    clock = SteppingClock(now - timedelta(days=365 * YEARS), timedelta(microseconds=10))
    bank = bootstrap(load_settings(settings_env(
        url, VAANI_ARGON2_MEMORY_KIB="8192", VAANI_ARGON2_TIME_COST="1",
        VAANI_SQLITE_SYNCHRONOUS="NORMAL")), clock=clock)
    prepare_database(bank)
    people, holders = [], []
    for _ in range(shape.customers):
        owner = customer(bank)
        pair = (account(bank, owner, OPENING), account(bank, owner, OPENING))
        people.append(Person(str(owner.id), owner.customer_number,
                             (pair[0].account_number, pair[1].account_number)))
        holders += [Holder(a.id, a.account_number, owner.id, a.balance.minor) for a in pair]
    with bank.resolve(UnitOfWorkFactory)() as uow:
        head = uow.audit.head()
    bank.resolve(UnitOfWorkFactory).close()
    return people, holders, (head.sequence, head.record_hash)


def _chunks(history: History) -> Iterator[list[Posting]]:
    postings = history.postings()
    while chunk := list(islice(postings, CHUNK)):
        yield chunk


def _insert(table: str, columns: tuple[str, ...]) -> str:
    """Our own table and column names, never input."""
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


# What SQLAlchemy's types store on SQLite: UUIDs as 32 hex digits, UTC as naive text.
_STORED: dict[type, Callable[[Any], object]] = {UUID: attrgetter("hex"), datetime: _utc_text}


def _sqlite_row(row: tuple[object, ...]) -> tuple[object, ...]:
    return tuple([f(v) if (f := _STORED.get(type(v))) else v for v in row])


def _write_sqlite(url: str, history: History) -> None:
    db = sqlite3.connect(sa.make_url(url).database or "", isolation_level=None)
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA cache_size = -1000000")  # 1 GB: the indexes' pages stay in memory
    statements = [_insert("transfers", TRANSFER_COLUMNS), _insert("ledger_entries", ENTRY_COLUMNS),
                  _insert("audit_events", AUDIT_COLUMNS)]
    for chunk in _chunks(history):
        rows = [[_sqlite_row(p[0]) for p in chunk],
                [_sqlite_row(leg) for p in chunk for leg in p[1:3]],
                [_sqlite_row(p[3]) for p in chunk]]
        db.execute("BEGIN IMMEDIATE")
        for statement, values in zip(statements, rows, strict=True):
            db.executemany(statement, values)
        db.execute("COMMIT")
    db.execute("BEGIN IMMEDIATE")
    db.executemany("UPDATE accounts SET balance = ? WHERE id = ?",
                   [(h.balance, h.id.hex) for h in history.holders])
    db.execute("UPDATE audit_head SET last_sequence = ?, last_hash = ?, previous_hash = ? "
               "WHERE id = 1", (history.sequence, history.last_hash, history.previous_hash))
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def _write_postgres(url: str, history: History) -> None:
    import psycopg

    # The months a bank running for YEARS would have prepared as it went (partitions.py); the
    # accounts' opening deposits, made before them, move in from the default partition.
    engine = create_sql_engine(url)
    with engine.begin() as conn:
        first = (datetime.now(UTC) - timedelta(days=365 * YEARS)).date()
        ensure_months(conn, datetime.now(UTC).date(), since=dict.fromkeys(MONTHLY, first))
    engine.dispose()

    plain = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as db:
        db.execute("SET synchronous_commit = off")
        for chunk in _chunks(history):
            with db.transaction(), db.cursor() as cur:
                for table, columns, rows in (
                        ("transfers", TRANSFER_COLUMNS, (p[0] for p in chunk)),
                        ("ledger_entries", ENTRY_COLUMNS, (leg for p in chunk for leg in p[1:3])),
                        ("audit_events", AUDIT_COLUMNS, (p[3] for p in chunk))):
                    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
        with db.transaction():
            db.cursor().executemany("UPDATE accounts SET balance = %s WHERE id = %s",
                                    [(h.balance, h.id) for h in history.holders])
            db.execute("UPDATE audit_head SET last_sequence = %s, last_hash = %s, "
                       "previous_hash = %s WHERE id = 1",
                       (history.sequence, history.last_hash, history.previous_hash))
        db.execute("VACUUM ANALYZE")  # what autovacuum does soon after a bulk load anyway
