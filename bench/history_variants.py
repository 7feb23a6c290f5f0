"""Transfers on databases loaded once and kept, under variants of the page cache and the id
source, against a fresh database: what makes a transfer slower as the history grows (issue
#32), asked of a database that takes an hour to load (10,000,000 ledger entries).

- SQLite, or with --postgres a cluster kept in `DIR/pg` (default durability; started for the
  run, stopped after): the databases of bench/history_kept.py, loaded on the first run.
- A variant is `default` (the bank as configured), or any of `cache=MiB`
  (VAANI_SQLITE_CACHE_MIB) and `ids=uuid4|uuid7` (adapters.system.RandomIds or TimeOrderedIds)
  joined by `+`.
- Each round times, for every size and variant in alternating order, 1,000 own-account
  transfers of customers with history in one worker process (bench/timed_rounds.py), as
  bench/history_size.py does. Printed: medians of the rounds (transfers/s, p99 ms) and each
  against fresh under the same variant and against the default variant at the same size.
  The transfers stay in the databases (1,000 a round: nothing beside 10,000,000).

Run: PYTHONPATH=. .venv/bin/python bench/history_variants.py DIR --sizes 0,10000000
         --variants default,cache=64,ids=uuid7 [--rounds 5] [--postgres] [--load-only]"""

from __future__ import annotations

import argparse
import statistics
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from application.use_cases import TransferMoney
from bench.history_kept import kept
from bench.history_load import settings_env
from bench.history_plan import Shape
from bench.history_size import RECENT, TODAY, TRANSFERS, pairs, timed_transfers
from bench.timed_rounds import timed_round
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import load_settings
from tests.support.postgres import throwaway_cluster


def variant_env(variant: str) -> tuple[dict[str, str], str]:
    """(settings to add, the id source: "" for the bank's own, "uuid4" or "uuid7") of a
    variant's name."""
    env, ids = {}, ""
    for part in (p for p in variant.split("+") if p != "default"):
        key, _, value = part.partition("=")
        if key == "cache" and value.isdigit():
            env["VAANI_SQLITE_CACHE_MIB"] = value
        elif key == "ids" and value in ("uuid4", "uuid7"):
            ids = value
        else:
            raise SystemExit(f"unknown variant part {part!r}: cache=MiB, ids=uuid4|uuid7 or "
                             "default")
    return env, ids


def worker(url: str, variant: str, share: list[tuple[str, str, str]], tag: str, start: Any,
           results: Any) -> None:
    from adapters.system import RandomIds, TimeOrderedIds
    env, ids = variant_env(variant)
    source = {"uuid4": RandomIds(), "uuid7": TimeOrderedIds()}.get(ids)
    bank = bootstrap(load_settings(settings_env(url, **env)), ids=source)
    timed_transfers(bank.resolve(TransferMoney), share, tag, start, results)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sizes", default="0,10000000")
    parser.add_argument("--variants", default="default")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with ExitStack() as stack:
        server = (stack.enter_context(throwaway_cluster(durable=True, kept=args.folder / "pg"))
                  if args.postgres else None)
        run(args, server)


def run(args: argparse.Namespace, server: str | None) -> None:
    args.folder.mkdir(parents=True, exist_ok=True)
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    variants = args.variants.split(",")
    for v in variants:
        variant_env(v)
    dbs = {size: (url, done.people) for size in sizes
           for url, done in [kept(args.folder, Shape(size, RECENT, TODAY), server)]}
    if args.load_only:
        return
    cells = [(size, v) for size in sizes for v in variants]
    found: dict[tuple[int, str], list[tuple[float, float]]] = {c: [] for c in cells}
    for r in range(args.rounds):
        for size, v in (cells if r % 2 == 0 else list(reversed(cells))):
            url, people = dbs[size]
            rate, p99 = timed_round(worker, pairs(people, TRANSFERS, seed=1000 + r), 1,
                                    f"v{size}{v}r{r}{datetime.now(UTC):%H%M%S}", url, v)
            found[(size, v)].append((rate, p99))
            print(f"round {r}, {size:,}, {v}: {rate:,.1f}/s, p99 {p99:.1f} ms", flush=True)
    median = {c: (statistics.median(x[0] for x in runs), statistics.median(x[1] for x in runs))
              for c, runs in found.items()}
    print(f"\nMedians of {args.rounds} rounds ({TRANSFERS:,} transfers each):\n")
    print("| size | variant | transfers/s | p99 ms | ÷ fresh, same variant | ÷ default, same size |")
    print("|---|---|---|---|---|---|")
    for size, v in cells:
        rate, p99 = median[(size, v)]
        fresh = median.get((0, v))
        base = median.get((size, "default"))
        print(f"| {size:,} | {v} | {rate:,.1f} | {p99:.1f} | "
              f"{f'{rate / fresh[0]:.2f}x' if fresh else '—'} | "
              f"{f'{rate / base[0]:.2f}x' if base else '—'} |")


if __name__ == "__main__":
    main()
