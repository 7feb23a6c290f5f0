"""Transfers on SQLite databases loaded once and kept, under variants of the page cache and the
id source, against a fresh database: what makes a transfer slower as the history grows (issue
#32), asked of a database that takes over an hour to load (10,000,000 ledger entries).

- `DIR/history-SIZE.db` is loaded by bench/history_load.py on the first run, without its
  verification (the loader's rows are verified by bench/history_size.py's runs), with the
  people beside it in `DIR/history-SIZE.json`; later runs reuse both.
- A variant is `default`, or any of `cache=MiB` (VAANI_SQLITE_CACHE_MIB) and `ids=uuid7`
  (adapters.system.TimeOrderedIds) joined by `+`.
- Each round times, for every size and variant in alternating order, 1,000 own-account
  transfers of customers with history in one worker process (bench/timed_rounds.py), as
  bench/history_size.py does. Printed: medians of the rounds (transfers/s, p99 ms) and each
  against fresh under the same variant and against the default variant at the same size.
  The transfers stay in the databases (1,000 a round: nothing beside 10,000,000).

Run: PYTHONPATH=. .venv/bin/python bench/history_variants.py DIR --sizes 0,10000000
         --variants default,cache=64,ids=uuid7 [--rounds 5]"""

from __future__ import annotations

import argparse
import json
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from application.use_cases import TransferMoney
from bench.history_load import Person, load, settings_env
from bench.history_plan import Shape
from bench.history_size import RECENT, TODAY, TRANSFERS, pairs, timed_transfers
from bench.timed_rounds import timed_round
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import load_settings


def variant_env(variant: str) -> tuple[dict[str, str], bool]:
    """(settings to add, whether ids are time-ordered) for a variant's name."""
    env, ordered = {}, False
    for part in (p for p in variant.split("+") if p != "default"):
        key, _, value = part.partition("=")
        if key == "cache" and value.isdigit():
            env["VAANI_SQLITE_CACHE_MIB"] = value
        elif part == "ids=uuid7":
            ordered = True
        else:
            raise SystemExit(f"unknown variant part {part!r}: cache=MiB, ids=uuid7 or default")
    return env, ordered


def worker(url: str, variant: str, share: list[tuple[str, str, str]], tag: str, start: Any,
           results: Any) -> None:
    from adapters.system import TimeOrderedIds
    env, ordered = variant_env(variant)
    bank = bootstrap(load_settings(settings_env(url, **env)),
                     ids=TimeOrderedIds() if ordered else None)
    timed_transfers(bank.resolve(TransferMoney), share, tag, start, results)


def kept(folder: Path, size: int) -> tuple[str, list[Person]]:
    db, people = folder / f"history-{size}.db", folder / f"history-{size}.json"
    url = f"sqlite:///{db}"
    if not people.exists():
        if db.exists():
            raise SystemExit(f"{db} is there without {people}: a load was cut short; remove it")
        done = load(url, Shape(size, RECENT, TODAY), check=False)
        people.write_text(json.dumps({"people": [[p.customer_id, p.customer_number, p.accounts]
                                                 for p in done.people],
                                      "seconds": done.seconds,
                                      "loaded": datetime.now(UTC).isoformat()}))
        print(f"{size:,}: loaded in " + ", ".join(f"{k} {v:.0f} s" for k, v in
                                                done.seconds.items()), flush=True)
    found = json.loads(people.read_text())["people"]
    return url, [Person(c, n, (a[0], a[1])) for c, n, a in found]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sizes", default="0,10000000")
    parser.add_argument("--variants", default="default")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--load-only", action="store_true")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    variants = args.variants.split(",")
    for v in variants:
        variant_env(v)
    dbs = {size: kept(args.folder, size) for size in sizes}
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
