"""The hand-written baseline of the ledger benchmarks: a transaction on the bare driver that
writes the same rows as the TransferMoney use case — transfer (with its idempotency key), two
ledger legs, both balances, fraud profiles and assessment, a hash-chained audit record and the
chain's head — with no framework, no fraud scoring and no domain model in between.
`hand_written(url)` gives the SQLite one (here) or the PostgreSQL one
(bench/ledger_baseline_pg.py, pipelined, locking as Vaani locks).

SQLite: one statement at a time (in-process, a round trip costs nothing), `BEGIN IMMEDIATE`,
the record hashed in Python (`domain.audit.seal`) as Vaani does on SQLite. The connection is
configured as Vaani's engine configures its own (adapters/sql/engine.py: WAL, the given
`synchronous`, foreign keys on) and follows Vaani's checkpoint policy
(adapters/sql/sqlite/checkpointer.py): its commits never checkpoint (`wal_autocheckpoint=0`);
Vaani's `Checkpointer` thread, counting this process's commits, runs them instead. Its second
pass — the one that lets the log start again — holds off every writer, as Vaani's does with its
writer turn (`_WriteLock`); otherwise these writers take no turn between processes: they wait
in SQLite's busy handler, as a hand-written application does.

Its rows pass `vaani ledger verify` and `vaani audit verify`, so both implementations can share
one database and the invariants are checked after every round."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from adapters.sql.sqlite.checkpointer import Checkpointer
from domain.audit import AuditEvent, seal  # the chain's hash function: the same row, byte for byte

_LOCK = "SELECT account_number, id, balance FROM accounts WHERE account_number IN (?, ?)"
_MOVE = "UPDATE accounts SET balance = ? WHERE id = ?"
_TRANSFER = (
    "INSERT INTO transfers (id, kind, customer_id, idempotency_scope, idempotency_key, "
    "fingerprint, status, from_account_id, from_account_number, to_account_id, to_account_number, "
    "amount, currency, channel, description, created_at, posted_at) VALUES (?, 'transfer', ?, "
    "?, ?, 'baseline', 'completed', ?, ?, ?, ?, ?, 'INR', 'ONLINE', '', ?, ?)")
_ENTRY = ("INSERT INTO ledger_entries (id, account_id, transfer_id, entry_type, amount, currency, "
          "balance_after, channel, description, reference, posted_at) VALUES "
          "(?, ?, ?, ?, ?, 'INR', ?, 'ONLINE', '', ?, ?)")
_PROFILE = "SELECT data FROM fraud_profiles WHERE kind = ? AND key = ?"
_SAVE_PROFILE = "UPDATE fraud_profiles SET data = ? WHERE kind = ? AND key = ?"
_NEW_PROFILE = "INSERT INTO fraud_profiles (kind, key, data) VALUES (?, ?, ?)"
_ASSESSMENT = ("INSERT INTO fraud_assessments (transfer_id, score, decision, engine, version, "
               "contributions, assessed_at) VALUES (?, 0, 'allow', 'baseline', '1', '[]', ?)")
_HEAD = "SELECT last_sequence, last_hash FROM audit_head WHERE id = 1"
_AUDIT = ("INSERT INTO audit_events (sequence, id, occurred_at, action, outcome, actor_id, "
          "customer_id, resource, details, previous_hash, record_hash) VALUES "
          "(?, ?, ?, ?, 'success', ?, ?, ?, ?, ?, ?)")
_MOVE_HEAD = ("UPDATE audit_head SET last_sequence = ?, last_hash = ?, previous_hash = ? "
              "WHERE id = 1")
_SORTED = json.JSONEncoder(sort_keys=True).encode  # the details column, as Vaani stores it
T = TypeVar("T")


class Driver(Protocol):
    def transfer(self, customer_id: uuid.UUID, source: str, destination: str, amount: int,
                 key: str) -> uuid.UUID: ...

    def balance(self, account_number: str) -> tuple[int, int, str] | None: ...

    def close(self) -> None: ...


def hand_written(url: str, synchronous: str = "FULL") -> Driver:
    """The baseline for a database URL (`synchronous` is SQLite's only)."""
    if url.startswith("sqlite"):
        return SqliteHandWritten(url.removeprefix("sqlite:///"), synchronous)
    from bench.ledger_baseline_pg import PostgresHandWritten  # it imports this module

    return PostgresHandWritten(url)


class _WriteLock:
    """What the checkpoint thread's second pass holds (the `Checkpointer`'s turn), so that no
    writer adds frames meanwhile: this process's writer, through the lock its transactions
    take (uncontended but for that pass), and the other processes' through SQLite's write lock.
    Waiting for SQLite's lock alone, the pass lost every race to a writer committing back to
    back, and the log grew without end."""

    def __init__(self, path: str, writers: threading.Lock) -> None:
        self._writers = writers
        self._conn = sqlite3.connect(path, isolation_level=None, timeout=30,
                                     check_same_thread=False)

    def acquire(self) -> None:
        self._writers.acquire()
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._writers.release()
            raise

    def release(self) -> None:
        try:
            self._conn.execute("ROLLBACK")
        finally:
            self._writers.release()

    def close(self) -> None:
        self._conn.close()


class SqliteHandWritten:
    """One connection; `transfer` is one transaction."""

    def __init__(self, path: str, synchronous: str) -> None:
        # The HTTP baseline opens it on the main thread and uses it on its writer thread;
        # one thread at a time, so the driver's same-thread guard is only in the way.
        self._conn = sqlite3.connect(path, isolation_level=None, timeout=30,
                                     check_same_thread=False)
        for pragma in ("journal_mode=WAL", f"synchronous={synchronous}", "foreign_keys=ON",
                       "wal_autocheckpoint=0"):
            self._conn.execute(f"PRAGMA {pragma}")
        self._writing = threading.Lock()
        self._lock = _WriteLock(path, self._writing)
        self._checkpointer = Checkpointer(path, self._lock)  # type: ignore[arg-type]

    def close(self) -> None:
        self._checkpointer.close()
        self._lock.close()
        self._conn.close()

    def balance(self, account_number: str) -> tuple[int, int, str] | None:
        row = self._conn.execute("SELECT balance, held, currency FROM accounts "
                                 "WHERE account_number = ?", (account_number,)).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def transfer(self, customer_id: uuid.UUID, source: str, destination: str, amount: int,
                 key: str) -> uuid.UUID:
        return self.write(lambda run: self._transfer(run, customer_id, source, destination,
                                                     amount, key))

    def write(self, work: Callable[[Any], T]) -> T:
        """`work(execute)` as one `BEGIN IMMEDIATE` transaction, committed when it returns and
        rolled back when it raises; the commit counts towards the checkpoint policy."""
        run = self._conn.cursor().execute
        with self._writing:
            run("BEGIN IMMEDIATE")
            try:
                done = work(run)
                run("COMMIT")
            except BaseException:
                run("ROLLBACK")
                raise
        self._checkpointer.committed()
        return done

    def read(self, sql: str, parameters: tuple[Any, ...]) -> Any:
        """One row of `sql`, or None, outside any transaction."""
        return self._conn.execute(sql, parameters).fetchone()

    def _transfer(self, run: Any, customer_id: uuid.UUID, source: str,
                  destination: str, amount: int, key: str) -> uuid.UUID:
        # The clock is read holding the write lock, as Vaani reads it with the accounts
        # locked: an account's entries are posted in time order (`vaani ledger verify`).
        now = datetime.now(UTC)
        stamp = as_stored(now)
        rows = {n: (i, b) for n, i, b in run(_LOCK, (source, destination))}
        (src_id, src_balance), (dst_id, dst_balance) = rows[source], rows[destination]
        if src_balance < amount:
            raise ValueError("insufficient funds")
        transfer_id = uuid.uuid4()
        run(_TRANSFER, (transfer_id.hex, customer_id.hex, f"customer:{customer_id}", key,
                        src_id, source, dst_id, destination, amount, stamp, stamp))
        for entry_type, account_id, after in (("debit", src_id, src_balance - amount),
                                              ("credit", dst_id, dst_balance + amount)):
            run(_ENTRY, (uuid.uuid4().hex, account_id, transfer_id.hex, entry_type, amount,
                         after, str(transfer_id), stamp))
        run(_MOVE, (src_balance - amount, src_id))
        run(_MOVE, (dst_balance + amount, dst_id))
        # Documents the use case can read back, whichever of the two wrote first.
        for kind, profile_key, counter, fresh in (
                ("customer", str(customer_id), "transfers", {}),
                ("counterparty", destination, "payments",
                 {"key": destination, "first_seen": now.isoformat()})):
            found = run(_PROFILE, (kind, profile_key)).fetchone()
            data = json.loads(found[0]) if found and found[0] else fresh
            data[counter] = data.get(counter, 0) + 1
            text = json.dumps(data, separators=(",", ":"))
            if found:
                run(_SAVE_PROFILE, (text, kind, profile_key))
            else:
                run(_NEW_PROFILE, (kind, profile_key, text))
        run(_ASSESSMENT, (transfer_id.hex, stamp))
        append_audit(run, AuditEvent(
            id=uuid.uuid4(), occurred_at=now, action="money.transfer", outcome="success",
            actor_id=customer_id, customer_id=customer_id, resource=f"transfer:{transfer_id}",
            details=audit_details(source, destination, amount)), stamp)
        return transfer_id


def append_audit(run: Any, event: AuditEvent, stamp: str) -> None:
    """Seal `event` after the chain's head (in Python, as Vaani does on SQLite), insert it and
    move the head: inside the caller's write transaction. Only a successful event without ip,
    device or request id: the record is written with those columns empty, and any other
    event's hash would not match its row."""
    assert event.outcome == "success" and event.ip is None and event.device_id is None \
        and event.request_id is None
    sequence, last_hash = run(_HEAD).fetchone()
    sealed = seal(event, sequence + 1, last_hash)
    run(_AUDIT, (sealed.sequence, sealed.id.hex, stamp, sealed.action,
                 sealed.actor_id.hex if sealed.actor_id else None,
                 sealed.customer_id.hex if sealed.customer_id else None, sealed.resource,
                 _SORTED(dict(sealed.details)), sealed.previous_hash, sealed.record_hash))
    run(_MOVE_HEAD, (sealed.sequence, sealed.record_hash, last_hash))


def as_stored(moment: datetime) -> str:
    """A UTC timestamp as Vaani stores it on SQLite (adapters/sql/types.py: no zone)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def audit_details(source: str, destination: str, amount: int) -> dict[str, str]:
    """The details Vaani's transfer record carries (without the fraud score it has none of)."""
    return {"source": source, "destination": destination,
            "amount": f"{amount // 100}.{amount % 100:02d}", "currency": "INR",
            "channel": "ONLINE"}
