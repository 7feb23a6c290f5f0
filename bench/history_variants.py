"""Transfers on databases loaded once and kept, under variants of the page cache and the id
source, against a fresh database: what makes a transfer slower as the history grows (issue
#32), asked of a database that takes an hour to load (10,000,000 ledger entries).

- SQLite: `DIR/history-SIZE.db`; with --postgres, database `history_SIZE` of a cluster kept in
  `DIR/pg` (default durability; started for the run, stopped after). Each is loaded by
  bench/history_load.py on the first run, without its verification (the loader's rows are
  verified by bench/history_size.py's runs), with the people beside it in
  `DIR/[pg-]history-SIZE.json`; later runs reuse both.
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
import json
import statistics
from contextlib import ExitStack
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


def kept(folder: Path, size: int, server: str | None) -> tuple[str, list[Person]]:
    people = folder / f"{'pg-' if server else ''}history-{size}.json"
    if server is None:
        db = folder / f"history-{size}.db"
        url, there = f"sqlite:///{db}", db.exists()
    else:
        url, there = _database(server, f"history_{size}")
    if not people.exists():
        if there:
            raise SystemExit(f"{url} is there without {people}: a load was cut short; remove it")
        done = load(url, Shape(size, RECENT, TODAY), check=False)
        people.write_text(json.dumps({"people": [[p.customer_id, p.customer_number, p.accounts]
                                                 for p in done.people],
                                      "seconds": done.seconds,
                                      "loaded": datetime.now(UTC).isoformat()}))
        print(f"{size:,}: loaded in " + ", ".join(f"{k} {v:.0f} s" for k, v in
                                                done.seconds.items()), flush=True)
    found = json.loads(people.read_text())["people"]
    return url, [Person(c, n, (a[0], a[1])) for c, n, a in found]


def _database(server: str, name: str) -> tuple[str, bool]:
    """The URL of database `name` on the kept cluster, made when missing; whether it was there."""
    import sqlalchemy as sa

    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        there = conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s",
                                     (name,)).first() is not None
        if not there:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}", there


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
    dbs = {size: kept(args.folder, size, server) for size in sizes}
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
