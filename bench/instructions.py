"""Instructions per transfer (valgrind callgrind): a figure no noisy neighbour can move.

Each implementation runs in its own process under callgrind with instrumentation off; after
bootstrap and a warm-up it switches instrumentation on (`callgrind_control -i on`), runs
TRANSFERS transfers on SQLite (synchronous NORMAL) and exits. The count covers the whole
process below Python — interpreter, SQLite, hashing — everything a transfer costs the CPU.

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
    from bench.ledger_baseline import HandWritten
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
        driver = HandWritten(url, "NORMAL")

        def one(i: int, source: str, destination: str) -> None:
            driver.transfer(UUID(str(owner.id)), source, destination, 100, f"k{i}")
    for i in range(20):  # warm-up: caches, prepared statements, first profile rows
        one(-1 - i, a, b)
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True,
                   capture_output=True)
    for i in range(TRANSFERS):
        one(i, *((a, b) if i % 2 else (b, a)))
    # Out now, without the interpreter's teardown (its last garbage collections and module
    # clean-up, ~0.9 M instructions a transfer when spread over 200 of them): callgrind
    # still writes its count when the process ends.
    sys.stdout.flush()
    os._exit(0)


def count(kind: str, workdir: Path) -> int:
    url = f"sqlite:///{workdir / kind.replace(' ', '-')}.db"
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
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
    with tempfile.TemporaryDirectory() as tmp:
        use_case = count("use case", Path(tmp))
        baseline = count("baseline", Path(tmp))
    print(f"instructions per transfer: use case {use_case:,}, hand-written {baseline:,}, "
          f"ratio {baseline / use_case:.2f}")
    write_section("Instructions per transfer", f"""\
`bench/instructions.py`: valgrind callgrind over {TRANSFERS} transfers after a warm-up, SQLite
synchronous NORMAL, whole process (interpreter, SQLite, hashing). Ratio = hand-written / use case
(higher is better, comparable with the throughput ratios).

| implementation | instructions per transfer |
|---|---|
| TransferMoney use case | {use_case:,} |
| hand-written sqlite3 (same rows) | {baseline:,} |
| ratio | {baseline / use_case:.2f} |""")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
