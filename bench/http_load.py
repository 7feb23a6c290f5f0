"""HTTP: authenticated POST /accounts/{n}/transfer and GET /accounts/{n}/balance on `vaani serve`
against a bare Starlette endpoint doing the hand-written transaction (bench/bare_app.py), both
served by uvicorn on loopback from the same database, in the same run.

Closed loop: wrk (Debian's package) with 16 and 64 connections, ROUNDS interleaved rounds (the
order inside a round alternating), medians; the ratio is the median of the rounds' own ratios.
Open loop: a fixed arrival rate at 50 % and 80 % of each server's own closed-loop maximum, at
least PACED_REQUESTS requests a run, latency measured from the moment each request was due (no
coordinated omission). The servers and the load generators are in bench/http_driving.py.
After every run: ledger and audit chain verify, customer money unchanged, and every transfer
Vaani acknowledged was posted.

Run: PYTHONPATH=. .venv/bin/python bench/http_load.py [--quick]"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from application.ports import UnitOfWorkFactory
from application.use_cases import LogInWithPassword
from bench.http_driving import BIN, open_loop, refuse_errors, server, wrk
from bench.ledger_limit import check_invariants, fresh_database
from bench.report import ALTERNATING, PAIRED, Table, in_turn, paired_ratio, spread, write_section
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import load_settings
from tests.support.banking import PASSWORD, account, customer
from tests.support.postgres import throwaway_cluster

QUICK = "--quick" in sys.argv
# Five rounds: with two workers the bare server's rate moves with how its processes happen to
# split the connections, which three rounds did not steady (docs/benchmarks.md, notes).
ROUNDS = 1 if QUICK else 5
SECONDS = 4 if QUICK else 8
CUSTOMERS = 16
SECRET = "http-load-" + "x" * 40
TOKEN_MINUTES = 60  # the longest the settings allow
PACED_REQUESTS = 2000  # at least, per open-loop run: a p99 of fewer means little


class Bank:
    """The shared database, its customers and their tokens."""

    def __init__(self, url: str) -> None:
        # The customers log in once, here: their access tokens must outlast every run on this
        # database (a quarter of an hour or more), or the last runs are answered 401.
        self.env = {**os.environ, "VAANI_DATABASE_URL": url, "VAANI_JWT_SECRET": SECRET,
                    "BARE_DATABASE_URL": url, "PYTHONPATH": ".",
                    "VAANI_ACCESS_TOKEN_MINUTES": str(TOKEN_MINUTES)}
        self.bank = bootstrap(load_settings(self.env))
        prepare_database(self.bank)
        login = self.bank.resolve(LogInWithPassword)
        self.targets = []
        for _ in range(CUSTOMERS):
            owner = customer(self.bank)
            a = account(self.bank, owner, "1000000.00").account_number
            b = account(self.bank, owner, "1000000.00").account_number
            token = login.execute(owner.customer_number, PASSWORD)[0].access_token
            self.targets.append((token, str(owner.id), a, b))
        self.money = self.customer_money()

    def customer_money(self) -> int:
        with self.bank.resolve(UnitOfWorkFactory)() as uow:
            return sum(a.balance.minor for a in uow.accounts.all() if a.customer_id is not None)

    def transfers(self) -> int:
        with self.bank.resolve(UnitOfWorkFactory)() as uow:
            return sum(1 for _ in uow.transfers.statuses())

    def check(self) -> None:
        check_invariants(self.bank, self.money)


def measure(database: str, url: str, workers: int, workdir: Path, table: Table,
            open_table: Table) -> None:
    bank = Bank(url)
    sides = {"vaani": ([str(BIN / "vaani"), "serve", "--port", "8791", "--workers", str(workers)],
                       8791, "/api/v1"),
             "bare": ([str(BIN / "uvicorn"), "--factory", "bench.bare_app:create", "--port", "8792",
                       "--workers", str(workers), "--log-level", "info", "--no-access-log"],
                      8792, "")}
    label = f"{database}, {workers} worker{'s' if workers > 1 else ''}"
    best: dict[str, float] = {}
    rows = [(kind, connections) for kind in ("transfer", "balance") for connections in (16, 64)]
    runs: dict[tuple[str, int], dict[str, list[dict[str, Any]]]] = {
        row: {"vaani": [], "bare": []} for row in rows}
    for r in range(ROUNDS):  # the rows take their rounds in turn, spread over the whole run
        for kind, connections in rows:
            for name in in_turn(r, ("vaani", "bare")):
                command, port, prefix = sides[name]
                before = bank.transfers()
                with server(command, bank.env, port, workers):
                    result = wrk(port, prefix, bank, kind, connections,
                                 f"{database[:2]}{kind[0]}{connections}{name}{r}", workdir,
                                 SECONDS)
                bank.check()
                if name == "bare":
                    refuse_errors("the baseline", result)
                if kind == "transfer" and bank.transfers() - before < result["requests"] - \
                        result["bad_status"]:
                    raise SystemExit(f"an acknowledged transfer is missing: {result}, "
                                     f"{bank.transfers() - before} new transfers")
                runs[kind, connections][name].append(result)
    for kind, connections in rows:
        vaani, bare = runs[kind, connections]["vaani"], runs[kind, connections]["bare"]
        v, b = _median(vaani), _median(bare)
        ratio, lowest, highest = paired_ratio([x["rate"] for x in vaani],
                                              [x["rate"] for x in bare])
        best[f"{kind}-vaani"] = max(best.get(f"{kind}-vaani", 0), v["rate"])
        best[f"{kind}-bare"] = max(best.get(f"{kind}-bare", 0), b["rate"])
        print(f"{label} {kind} c={connections}: vaani {v['rate']:,.0f}/s p99 "
              f"{v['p99'] / 1000:.0f} ms, bare {b['rate']:,.0f}/s p99 {b['p99'] / 1000:.0f} ms",
              flush=True)
        table.add([label, f"{'POST /transfer' if kind == 'transfer' else 'GET /balance'}",
                   str(connections), *_cells(v), *_cells(b), f"{ratio:.2f}",
                   spread(lowest, highest), str(int(v["bad_status"] + v["socket_errors"]))])
    for i, share in enumerate((0.5, 0.8)):
        results = {}
        for name in in_turn(i, ("vaani", "bare")):
            command, port, prefix = sides[name]
            rate = best[f"transfer-{name}"] * share
            with server(command, bank.env, port, workers):
                results[name] = asyncio.run(open_loop(
                    port, prefix, bank, rate, f"{database[:2]}o{share}{name}",
                    max(PACED_REQUESTS, int(rate * SECONDS))))
            bank.check()
        v, b = results["vaani"], results["bare"]
        refuse_errors("the baseline (open loop)", b)
        open_table.add([label, f"{share:.0%}", *_cells(v), *_cells(b), _refused(v)])
        print(f"{label} open loop {share:.0%}: vaani {v['rate']:,.0f}/s p99 {v['p99'] / 1000:.0f} "
              f"ms, bare {b['rate']:,.0f}/s p99 {b['p99'] / 1000:.0f} ms", flush=True)


def _median(runs: list[dict[str, Any]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs)
            for k in ("rate", "p50", "p95", "p99", "bad_status", "socket_errors")}


def _refused(r: dict[str, Any]) -> str:
    """How many were not answered 201, and with which statuses: "3 (401: 2, 503: 1)"."""
    which = ", ".join(f"{status}: {count}" for status, count in r["refused"].items())
    return f"{int(r['bad_status'])}" + (f" ({which})" if which else "")


def _cells(r: dict[str, float]) -> list[str]:
    return [f"{r['rate']:,.0f}", f"{r['p50'] / 1000:.1f} / {r['p95'] / 1000:.1f} / "
            f"{r['p99'] / 1000:.1f}"]


def main() -> None:
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): skipped")
        return
    load_before = os.getloadavg()[0]
    table = Table(["database, workers", "request", "connections", "Vaani /s",
                   "Vaani p50 / p95 / p99 ms", "bare /s", "bare p50 / p95 / p99 ms", "ratio",
                   "rounds' ratios", "Vaani errors"])
    open_table = Table(["database, workers", "rate (share of max)", "Vaani /s",
                        "Vaani p50 / p95 / p99 ms", "bare /s", "bare p50 / p95 / p99 ms",
                        "Vaani errors"])
    with tempfile.TemporaryDirectory() as tmp, throwaway_cluster(durable=True) as pg:
        workdir = Path(tmp)
        measure("SQLite", f"sqlite:///{workdir / 'http.db'}", 1, workdir, table, open_table)
        measure("SQLite", f"sqlite:///{workdir / 'http2.db'}", 2, workdir, table, open_table)
        measure("PostgreSQL", fresh_database(pg, "http_load"), 2, workdir, table, open_table)
    write_section("HTTP", f"""\
`bench/http_load.py`: `vaani serve` (authenticated: bearer token and session check on every
request) against a bare endpoint, both under uvicorn on loopback, same database. {CUSTOMERS}
customers moving 1.00 between their own accounts, a fresh Idempotency-Key per request. Closed
loop: `wrk -t2`, {SECONDS} s per run, medians of {ROUNDS} interleaved rounds, and {ALTERNATING};
{PAIRED}; the four rows of a server take their rounds in turn, so each row's rounds spread over
its server's whole run; the load generator shares the 2 cores with the server. A run starts once
every worker of the server has logged its start-up. SQLite synchronous FULL; PostgreSQL with
default durability. After every run the ledger and audit chain verify, customer money is
unchanged and every acknowledged transfer is in the database. Load average before: {load_before:.2f}.
Targets: ratio ≥ 0.7, p99 ≤ 50 ms at 16 connections on SQLite.

The baseline (`bench/bare_app.py`) is a bare Starlette app running the ledger section's
hand-written transaction (`bench/ledger_baseline.py`: the same rows; on PostgreSQL two pipelined
round trips taking Vaani's locks, on SQLite Vaani's connection settings and checkpoint policy),
with no authentication, no validation beyond parsing and no fraud scoring. On SQLite each of its
worker processes writes on one thread through one connection (SQLite has one writer anyway),
one commit per transfer, and reads on two threads of its own, a connection each; its two
processes wait for each other in SQLite's busy handler, as a hand-written app's do. On
PostgreSQL each worker runs transfers and reads on Starlette's thread pool over 16 connections.
Its workers get the connections as uvicorn's processes happen to accept them.

Vaani, for its part: with two workers on SQLite its writers take turns on a lock the kernel
wakes them from (`adapters/sql/sqlite/one_writer.py`); it reads a balance and writes a transfer
on the event loop itself (`adapters/sql/sqlite/in_place.py`, chosen by
`entrypoints/http/dispatch/sqlite_loop.py`; a worker thread only waits for the writer turn while
another worker has it), and transfers in flight together share one commit (at most 8, none
answered before it: `entrypoints/http/dispatch/group_commit.py`). With several workers, a worker
carrying more than its share of requests in flight sends one client at a time to reconnect
(`entrypoints/http/worker_load.py`): the 16 connections opened at once used to be split 14 / 2
or 12 / 4 between Vaani's two workers, the crowded one answering at a third of the other's
speed.

{table.render()}

Open loop (a fixed arrival rate, a share of each server's own closed-loop maximum; at least
{PACED_REQUESTS:,} requests a run, or {SECONDS} s at that rate when more; latency from the moment
a request was due, over up to 64 connections; which server runs first alternates from one rate
to the next):

{open_table.render()}""", quick=QUICK)


if __name__ == "__main__":
    main()
