"""History size: does the bank cost the same with years of history behind it? For SQLite (a file)
and PostgreSQL (a throwaway cluster with default durability), a database per size is bulk-loaded
(bench/history_load.py: the use cases' customers and accounts, transfers in bulk, then `ledger
verify` and `audit verify` must pass), and on each the same work is measured:
- transfers per second and p99 of the TransferMoney use case (one worker process, own-account
  transfers of customers with history; bench/timed_rounds.py);
- the reference account's reads (bench/history_reads.py): first and deep page of transactions
  and statements for today and for 365 days, through the use cases and over HTTP.
Sizes are ledger entries; "fresh" holds only the reference account's own year, which every size
holds too (bench/history_plan.py), so the larger sizes add history before the reads' ranges.
Rounds interleave the sizes, in alternating order; figures are medians of the rounds, and each
is compared with fresh by the median of the rounds' own ratios. Writes the "History size"
section of docs/benchmarks.md, except with --quick (fresh and 100,000 entries, fewer rounds) or
--print, which print it; --databases measures one of the two (a run by hand at one size, e.g.
PostgreSQL at 10,000,000 entries); --kept DIR measures the databases kept in DIR
(bench/history_kept.py: loaded there once, without the verification, then reused with today's
code) and prints.

Run: PYTHONPATH=. .venv/bin/python bench/history_size.py [--quick] [--print]
         [--sizes 0,1000000,...] [--databases sqlite,postgresql] [--kept DIR]"""

from __future__ import annotations

import os
import random
import resource
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from uuid import UUID

from application.use_cases import TransferCommand, TransferMoney
from bench.history_kept import kept
from bench.history_load import ROOT, Loaded, Person, load, settings_env
from bench.history_plan import Shape
from bench.history_reads import READS, deep_cursor, in_process, serving
from bench.history_report import render
from bench.ledger_limit import fresh_database
from bench.report import write_section
from bench.timed_rounds import timed_round
from domain.money import Money
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import load_settings
from tests.support.postgres import throwaway_cluster

QUICK = "--quick" in sys.argv
RECENT = 5_000 if QUICK else 20_000  # the reference account's year: tens of thousands of entries
TODAY = 100
ROUNDS = 3 if QUICK else 5
TRANSFERS = 300 if QUICK else 1_000  # per round
TIMED_CUSTOMERS = 40  # after the reference account's owner; the first three have busy accounts
DEPTH = RECENT // 2  # the deep page: this many entries back from the newest
STARTED = time.strftime("%Y%m%d%H%M%S")  # in the idempotency keys: a run's transfers are its own

Pair = tuple[str, str, str]  # customer id, source, destination


def databases() -> list[str]:
    given = sys.argv[sys.argv.index("--databases") + 1] if "--databases" in sys.argv else ""
    chosen = [d.strip().lower() for d in given.split(",") if d.strip()] or ["sqlite", "postgresql"]
    if unknown := set(chosen) - {"sqlite", "postgresql"}:
        raise SystemExit(f"--databases: unknown {sorted(unknown)} (sqlite, postgresql)")
    return chosen


def sizes() -> list[int]:
    if "--sizes" in sys.argv:
        given = sys.argv[sys.argv.index("--sizes") + 1]
        return sorted({0 if s.strip() == "fresh" else int(float(s)) for s in given.split(",")})
    return [0, 100_000] if QUICK else [0, 1_000_000, 10_000_000]


def kept_folder() -> Path | None:
    """--kept's folder: it must be there (a mistyped one would start an hour's load elsewhere)."""
    if "--kept" not in sys.argv:
        return None
    at = sys.argv.index("--kept") + 1
    if at >= len(sys.argv) or not Path(sys.argv[at]).is_dir():
        raise SystemExit("--kept needs the folder of databases kept by an earlier run "
                         "(bench/history_kept.py; bench/history_variants.py DIR --load-only "
                         "loads one)")
    return Path(sys.argv[at])


def pairs(people: list[Person], count: int, seed: int) -> list[Pair]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        who = rng.choice(people[1:TIMED_CUSTOMERS + 1])
        a, b = who.accounts if rng.random() < 0.5 else reversed(who.accounts)
        found.append((who.customer_id, a, b))
    return found


def transfer_worker(url: str, share: list[Pair], tag: str, start: Any, results: Any) -> None:
    """One timed worker (bench/timed_rounds.py) on the bank as configured for the size."""
    bank = bootstrap(load_settings(settings_env(url)))
    timed_transfers(bank.resolve(TransferMoney), share, tag, start, results)


def timed_transfers(transfer: TransferMoney, share: list[Pair], tag: str, start: Any,
                    results: Any) -> None:
    """Warm on a few transfers, wait for the round's start, then time each of the share."""

    def one(pair: Pair, key: str) -> None:
        done = transfer.execute(TransferCommand(UUID(pair[0]), pair[1], pair[2], Money(100),
                                                idempotency_key=key))
        if done.transfer.posted_at is None:
            raise RuntimeError(f"transfer was not posted: {done.transfer.status}")
    for i, pair in enumerate(share[:5]):
        one(pair, f"{tag}-warm-{i}")
    latencies = []
    start.wait()
    for i, pair in enumerate(share):
        began = time.perf_counter()
        one(pair, f"{tag}-{i}")
        latencies.append(time.perf_counter() - began)
    results.put((time.perf_counter(), latencies))


def prepared(database: str, url: str, size: int, folder: Path | None,
             server: str | None = None) -> tuple[str, Loaded]:
    """The database of `size`: bulk-loaded and verified at `url`, or the one kept in `folder`."""
    if folder is not None:
        url, done = kept(folder, Shape(size, RECENT, TODAY), server)
        print(f"{database} {size:,}: kept, {done.entries:,} entries", flush=True)
        return url, done
    done = load(url, Shape(size, RECENT, TODAY))
    print(f"{database} {size:,}: {done.entries:,} entries loaded and verified, "
          + ", ".join(f"{k} {v:.0f} s" for k, v in done.seconds.items())
          + f"; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB",
          flush=True)
    return url, done


def measure(database: str, dbs: dict[int, tuple[str, Loaded]]) -> tuple[
        dict[int, dict[str, list[float]]], dict[int, Loaded]]:
    """Every figure of the section's table, per size, a value per round (the report takes
    medians and per-round ratios)."""
    urls = {size: url for size, (url, _) in dbs.items()}
    loaded = {size: done for size, (_, done) in dbs.items()}
    banks = {size: bootstrap(load_settings(settings_env(url))) for size, url in urls.items()}
    owner = {size: loaded[size].people[0] for size in urls}
    cursors = {size: deep_cursor(banks[size], owner[size].accounts[0], DEPTH) for size in urls}
    rounds: dict[int, dict[str, list[float]]] = {size: {} for size in urls}
    with ExitStack() as stack:
        clients = {size: stack.enter_context(serving(
            {**os.environ, **settings_env(url), "PYTHONPATH": str(ROOT)}, banks[size], owner[size]))
            for size, url in urls.items()}
        for r in range(ROUNDS):
            for size in (list(urls) if r % 2 == 0 else list(reversed(urls))):
                work = pairs(loaded[size].people, TRANSFERS, seed=r)
                rate, p99 = timed_round(transfer_worker, work, 1,  # keys new on a kept database
                                        f"{database[0]}{size}r{r}-{STARTED}", urls[size])
                found = {"transfers/s": rate, "transfer p99": p99}
                found |= {f"{k}, in-process": v
                          for k, v in in_process(banks[size], owner[size], cursors[size]).items()}
                found |= {f"{k}, HTTP": v for k, v in clients[size].reads(cursors[size]).items()}
                for key, value in found.items():
                    rounds[size].setdefault(key, []).append(value)
                print(f"{database} {size:,} round {r}: " + ", ".join(
                    f"{k} {v:,.1f}" for k, v in found.items()), flush=True)
    return rounds, loaded


def main() -> None:
    load_before = os.getloadavg()[0]
    chosen, which = sizes(), databases()
    folder = kept_folder()
    results = {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        if "sqlite" in which:
            results["SQLite"] = measure("SQLite", {size: prepared(
                "SQLite", f"sqlite:///{Path(tmp) / f'history-{size}.db'}", size, folder)
                for size in chosen})
        if "postgresql" in which:
            pg = stack.enter_context(throwaway_cluster(
                durable=True, kept=folder / "pg" if folder else None))
            results["PostgreSQL"] = measure("PostgreSQL", {size: prepared(
                "PostgreSQL", "" if folder else fresh_database(pg, f"history_{size}"), size,
                folder, pg) for size in chosen})
    body = render(results, READS, load_before=load_before, load_after=os.getloadavg()[0],
                  recent=RECENT, today=TODAY, depth=DEPTH, rounds=ROUNDS, transfers=TRANSFERS,
                  kept=folder is not None)
    if QUICK or folder or "--print" in sys.argv:
        print(f"\n## History size (--quick, --kept or --print: not written to docs/benchmarks.md)\n\n{body}")
    else:
        write_section("History size", body)


if __name__ == "__main__":
    main()
