"""Instructions per transfer (valgrind callgrind): a figure no noisy neighbour can move.

Each implementation runs in its own process under callgrind with instrumentation off; after
bootstrap and a warm-up it switches instrumentation on (`callgrind_control -i on`), runs
TRANSFERS transfers and exits. On SQLite (synchronous NORMAL) the count covers the whole
process below Python — interpreter, SQLite, hashing — everything a transfer costs the CPU; on
PostgreSQL it covers the client (interpreter, psycopg, libpq), not the server.

Run: PYTHONPATH=. .venv/bin/python bench/instructions.py"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from uuid import UUID

TRANSFERS = 200


def child(kind: str, url: str) -> None:
    from application.use_cases import TransferCommand, TransferMoney
    from bench.ledger_baseline import hand_written
    from domain.money import Money
    from entrypoints.bootstrap import bootstrap, prepare_database
    from entrypoints.settings import load_settings
    from tests.support.banking import account, customer

    env = {"VAANI_DATABASE_URL": url, "VAANI_JWT_SECRET": "i" * 48,
           "VAANI_SQLITE_SYNCHRONOUS": "NORMAL"}
    bank = bootstrap(load_settings(env))
    prepare_database(bank)
    owner = customer(bank)
    a = account(bank, owner, "100000.00").account_number
    b = account(bank, owner, "100000.00").account_number
    if kind == "use case":
        use_case = bank.resolve(TransferMoney)

        def one(i: int, source: str, destination: str) -> None:
            use_case.execute(TransferCommand(owner.id, source, destination, Money(100),
                                             idempotency_key=f"k{i}"))
    else:
        driver = hand_written(url, "NORMAL")

        def one(i: int, source: str, destination: str) -> None:
            driver.transfer(UUID(str(owner.id)), source, destination, 100, f"k{i}")
    for i in range(20):  # warm-up: caches, prepared statements, first profile rows
        one(-1 - i, a, b)
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())],  # noqa: S603, S607
                   check=True, capture_output=True)
    for i in range(TRANSFERS):
        one(i, *((a, b) if i % 2 else (b, a)))
    # Out now, without the interpreter's teardown (its last garbage collections and module
    # clean-up, ~0.9 M instructions a transfer when spread over 200 of them): callgrind
    # still writes its count when the process ends.
    sys.stdout.flush()
    os._exit(0)


def count(kind: str, url: str) -> int:
    result = subprocess.run(  # noqa: S603
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",  # noqa: S607
         sys.executable, __file__, "--child", kind, url],
        capture_output=True, text=True, timeout=1800, env={**os.environ, "PYTHONPATH": "."})
    found = re.search(r"Collected\s*:\s*(\d+)", result.stderr)
    if result.returncode != 0 or not found:
        raise SystemExit(f"callgrind run failed:\n{result.stderr[-2000:]}")
    return int(found.group(1)) // TRANSFERS


def main() -> None:
    from bench.report import write_section

    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind): skipped")
        return
    from bench.ledger_limit import fresh_database
    from tests.support.postgres import throwaway_cluster

    rows = []
    with tempfile.TemporaryDirectory() as tmp, throwaway_cluster(durable=True) as server:
        for database in ("SQLite", "PostgreSQL"):
            use_case, baseline = (
                count(kind, f"sqlite:///{Path(tmp) / kind.replace(' ', '-')}.db"
                      if database == "SQLite" else fresh_database(server, kind.replace(" ", "_")))
                for kind in ("use case", "baseline"))
            print(f"{database}: instructions per transfer: use case {use_case:,}, hand-written "
                  f"{baseline:,}, ratio {baseline / use_case:.2f}", flush=True)
            rows.append(f"| {database} | {use_case:,} | {baseline:,} | {baseline / use_case:.2f} |")
    table = "\n".join(rows)
    write_section("Instructions per transfer", f"""\
`bench/instructions.py`: valgrind callgrind over {TRANSFERS} transfers after a warm-up, counted
up to the last transfer (not the interpreter's teardown). SQLite synchronous NORMAL: the whole
process (interpreter, SQLite, hashing). PostgreSQL: the client process only (interpreter,
psycopg, libpq); the server's work is not counted. Ratio = hand-written / use case (higher is
better, comparable with the throughput ratios).

The hand-written transaction is the ledger section's baseline (`bench/ledger_baseline.py`,
described there): the same rows, on SQLite one statement at a time through the stdlib `sqlite3`
with the audit record hashed in Python, on PostgreSQL two round trips in psycopg's pipeline mode
with the record hashed by the server.

| database | TransferMoney use case | hand-written (same rows) | ratio |
|---|---|---|---|
{table}""")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
