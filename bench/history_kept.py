"""Databases of the history-size benchmark loaded once and kept on disk: a 10,000,000-entry
database takes an hour to load, so an experiment (bench/history_variants.py) or a re-measure of
the history-size rounds with today's code (bench/history_size.py --kept DIR) loads it the first
time and reuses it after.

- SQLite: `DIR/history-SIZE.db`; PostgreSQL: database `history_SIZE` of a cluster kept in
  `DIR/pg` (tests/support/postgres.py throwaway_cluster(kept=...)).
- Loaded by bench/history_load.py without its verification (an hour more at 10,000,000 entries;
  the loader's rows are verified by every bench/history_size.py run that loads), with the people
  and the load's seconds beside it in `DIR/[pg-]history-SIZE.json`.
- Migrated to this code's schema before each use (`upgrade`: what an operator's `vaani db
  upgrade` does to a bank's database), so a database loaded by an older revision still serves.
- The measured transfers stay in the database: a kept database grows by each run's transfers
  (thousands, against millions of history)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bench.history_load import Loaded, Person, load
from bench.history_plan import Shape


def kept(folder: Path, shape: Shape, server: str | None) -> tuple[str, Loaded]:
    """The URL of the kept database of `shape.size` (loaded now when missing) and how it was
    loaded: its people (the reference account's owner first), entries and load seconds."""
    people = folder / f"{'pg-' if server else ''}history-{shape.size}.json"
    if server is None:
        db = folder / f"history-{shape.size}.db"
        url, there = f"sqlite:///{db}", db.exists()
    else:
        url, there = _database(server, f"history_{shape.size}")
    if not people.exists():
        if there:
            raise SystemExit(f"{url} is there without {people}: a load was cut short; remove it")
        done = load(url, shape, check=False)
        people.write_text(json.dumps({"people": [[p.customer_id, p.customer_number, p.accounts]
                                                 for p in done.people],
                                      "seconds": done.seconds,
                                      "loaded": datetime.now(UTC).isoformat()}))
        print(f"{shape.size:,}: loaded in " + ", ".join(f"{k} {v:.0f} s" for k, v in
                                                      done.seconds.items()), flush=True)
    _upgrade(url)
    found = json.loads(people.read_text())
    return url, Loaded([Person(c, n, (a[0], a[1])) for c, n, a in found["people"]],
                       _entries(url), {"verify": 0.0, **found["seconds"]})


def _upgrade(url: str) -> None:
    from adapters.sql.migrate import upgrade

    engine = sa.create_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def _entries(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM ledger_entries").scalar_one())
    finally:
        engine.dispose()


def _database(server: str, name: str) -> tuple[str, bool]:
    """The URL of database `name` on the kept cluster, made when missing; whether it was there."""
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        there = conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s",
                                     (name,)).first() is not None
        if not there:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}", there
