"""Ledger limit on SQLite: the TransferMoney use case (idempotency key, fraud assessment, two
ledger rows, audit record) against a minimal hand-written stdlib sqlite3 transaction writing the
same rows, in the same run, interleaved rounds, medians. Writes docs/benchmarks.md.
Run: PYTHONPATH=. .venv/bin/python bench/ledger_limit.py"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sqlite3
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from application.use_cases import TransferCommand, TransferMoney
from domain.money import Money
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import load_settings
from tests.support.banking import account, customer

N = 2000
ROUNDS = 3
OUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def use_case_round(bank, owner, a: str, b: str, offset: int) -> float:  # type: ignore[no-untyped-def]
    transfer = bank.resolve(TransferMoney)
    started = time.perf_counter()
    for i in range(N):
        source, destination = (a, b) if i % 2 else (b, a)
        transfer.execute(TransferCommand(owner.id, source, destination, Money(100),
                                         idempotency_key=f"uc-{offset}-{i}"))
    return N / (time.perf_counter() - started)


def hand_written_round(path: Path, synchronous: str, a: str, b: str, offset: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    started = time.perf_counter()
    for i in range(N):
        source, destination = (a, b) if i % 2 else (b, a)
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        conn.execute("BEGIN IMMEDIATE")
        rows = {n: (i_, bal) for n, i_, bal in conn.execute(
            "SELECT account_number, id, balance FROM accounts WHERE account_number IN (?, ?)",
            (source, destination))}
        (src_id, src_bal), (dst_id, dst_bal) = rows[source], rows[destination]
        assert src_bal >= 100
        transfer_id = uuid.uuid4().hex
        conn.execute("UPDATE accounts SET balance = ? WHERE id = ?", (src_bal - 100, src_id))
        conn.execute("UPDATE accounts SET balance = ? WHERE id = ?", (dst_bal + 100, dst_id))
        conn.execute(
            "INSERT INTO transfers (id, kind, customer_id, idempotency_scope, idempotency_key, "
            "fingerprint, status, from_account_id, from_account_number, to_account_id, "
            "to_account_number, amount, currency, channel, description, created_at, posted_at) "
            "VALUES (?, 'transfer', NULL, 'bench', ?, 'f', 'completed', ?, ?, ?, ?, 100, 'INR', "
            "'ONLINE', '', ?, ?)",
            (transfer_id, f"hw-{offset}-{i}", src_id, source, dst_id, destination, now, now))
        for entry_type, acc, after in (("debit", src_id, src_bal - 100),
                                       ("credit", dst_id, dst_bal + 100)):
            conn.execute(
                "INSERT INTO ledger_entries (id, account_id, transfer_id, entry_type, amount, "
                "currency, balance_after, channel, description, reference, posted_at) VALUES "
                "(?, ?, ?, ?, 100, 'INR', ?, 'ONLINE', '', ?, ?)",
                (uuid.uuid4().hex, acc, transfer_id, entry_type, after, transfer_id, now))
        sequence, last = conn.execute(
            "SELECT last_sequence, last_hash FROM audit_head WHERE id = 1").fetchone()
        body = json.dumps({"s": sequence + 1, "t": transfer_id, "p": last})
        digest = hashlib.sha256(body.encode()).hexdigest()
        conn.execute("INSERT INTO audit_events (sequence, id, occurred_at, action, outcome, "
                     "resource, details, previous_hash, record_hash) VALUES "
                     "(?, ?, ?, 'money.transfer', 'success', ?, '{}', ?, ?)",
                     (sequence + 1, uuid.uuid4().hex, now, transfer_id, last, digest))
        conn.execute("UPDATE audit_head SET last_sequence = ?, last_hash = ? WHERE id = 1",
                     (sequence + 1, digest))
        conn.execute("COMMIT")
    rate = N / (time.perf_counter() - started)
    conn.close()
    return rate


def measure(synchronous: str, workdir: Path) -> tuple[float, float]:
    path = workdir / f"limit-{synchronous}.db"
    env = {"VAANI_DATABASE_URL": f"sqlite:///{path}", "VAANI_JWT_SECRET": "b" * 48,
           "VAANI_SQLITE_SYNCHRONOUS": synchronous}
    bank = bootstrap(load_settings(env))
    prepare_database(bank)
    owner = customer(bank)
    a = account(bank, owner, "10000000.00").account_number
    b = account(bank, owner, "10000000.00").account_number
    use_case, hand = [], []
    for r in range(ROUNDS):  # interleaved, so machine noise hits both alike
        use_case.append(use_case_round(bank, owner, a, b, r))
        hand.append(hand_written_round(path, synchronous, a, b, r))
    return statistics.median(use_case), statistics.median(hand)


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for synchronous in ("NORMAL", "FULL"):
            use_case, hand = measure(synchronous, Path(tmp))
            rows.append((synchronous, use_case, hand))
            print(f"SQLite synchronous={synchronous}: use case {use_case:,.0f}/s, hand-written "
                  f"{hand:,.0f}/s, ratio {use_case / hand:.2f}")
    load = os.getloadavg()
    table = "\n".join(f"| SQLite, 1 writer, synchronous={s} | {u:,.0f} | {h:,.0f} | {u / h:.2f} |"
                      for s, u, h in rows)
    OUT.write_text(f"""# Benchmarks

Measured by `bench/ledger_limit.py` on {datetime.now(UTC).date().isoformat()} — {platform.machine()},
{os.cpu_count()} cores, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version};
load average before the run {load[0]:.2f}. Medians of {ROUNDS} interleaved rounds of {N} transfers.

## Ledger limit (transfers per second)

The use case does everything a customer transfer does (idempotency key, fraud assessment and profile
update, two ledger rows, balances, transfer row, hash-chained audit record); the baseline is a
minimal hand-written stdlib `sqlite3` transaction writing the same rows. Target: ratio ≥ 0.5.

| workload | use case | hand-written | ratio |
|---|---|---|---|
{table}

Other figures (`make bench`): see README (authentication costs, voice latency and memory, fraud
assessment latency with a 1,000,000-transaction history). PostgreSQL, multi-worker, HTTP (wrk)
and peer (Django + django-hordak) comparisons are still to come.
""")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
