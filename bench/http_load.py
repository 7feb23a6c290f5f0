"""HTTP: authenticated POST /accounts/{n}/transfer and GET /accounts/{n}/balance on `vaani serve`
against a bare Starlette endpoint doing the hand-written transaction (bench/bare_app.py), both
served by uvicorn on loopback from the same database, in the same run.

Closed loop: wrk (Debian's package) with 16 and 64 connections, ROUNDS interleaved rounds,
medians. Open loop: a fixed arrival rate at 50 % and 80 % of each server's own closed-loop
maximum, latency measured from the moment each request was due (no coordinated omission).
After every run: ledger and audit chain verify, customer money unchanged, and every transfer
Vaani acknowledged was posted.

Run: PYTHONPATH=. .venv/bin/python bench/http_load.py [--quick]"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from application.ports import UnitOfWorkFactory
from application.use_cases import LogInWithPassword
from bench.ledger_limit import check_invariants, fresh_database
from bench.report import Table, write_section
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import load_settings
from tests.support.banking import PASSWORD, account, customer
from tests.support.postgres import throwaway_cluster

QUICK = "--quick" in sys.argv
ROUNDS = 1 if QUICK else 3
SECONDS = 4 if QUICK else 8
CUSTOMERS = 16
SECRET = "http-load-" + "x" * 40
BIN = Path(sys.executable).parent
LUA = """
local targets = {%(targets)s}
local kind, tag = "%(kind)s", "%(tag)s"
local counter = 0
local next_id = 1
tid = 0  -- a global: setup() sets it in each thread's own Lua state
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
end
function request()
  counter = counter + 1
  local t = targets[(counter * 7 + tid) %% #targets + 1]
  local source, destination = t[3], t[4]
  if counter %% 2 == 0 then source, destination = destination, source end
  local headers = {["Authorization"] = "Bearer " .. t[1], ["X-Customer-Id"] = t[2],
                   ["Content-Type"] = "application/json"}
  if kind == "balance" then
    return wrk.format("GET", "%(prefix)s/accounts/" .. source .. "/balance", headers)
  end
  headers["Idempotency-Key"] = tag .. "-" .. tid .. "-" .. counter
  local body = '{"to_account_number": "' .. destination ..
               '", "amount": {"amount": "1.00", "currency": "INR"}}'
  return wrk.format("POST", "%(prefix)s/accounts/" .. source .. "/transfer", headers, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %%d, "seconds": %%f, "bad_status": %%d, ' ..
    '"socket_errors": %%d, "p50": %%d, "p95": %%d, "p99": %%d}\\n', summary.requests,
    summary.duration / 1e6, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


class Bank:
    """The shared database, its customers and their tokens."""

    def __init__(self, url: str) -> None:
        self.env = {**os.environ, "VAANI_DATABASE_URL": url, "VAANI_JWT_SECRET": SECRET,
                    "BARE_DATABASE_URL": url, "PYTHONPATH": "."}
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


# What uvicorn logs once in each worker when its application has started.
STARTED = "Application startup complete"


@contextmanager
def server(command: list[str], env: dict[str, str], port: int, workers: int = 1,
           started: str | None = STARTED) -> Iterator[None]:
    """The server, once it answers and every one of its `workers` has logged `started`: with
    several workers the first one answers while the others are still starting (Vaani's load
    the speaker model, seconds of CPU), and a run begun then measures their start-up too."""
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            deadline = time.monotonic() + 120
            while not _answers(port) or \
                    (started and Path(log.name).read_text().count(started) < workers):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{command[0]} did not start: "
                                     f"{Path(log.name).read_text()[-2000:]}")
                time.sleep(0.1)
            yield
        finally:
            process.terminate()
            process.wait(30)


def _answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)  # noqa: S310
        return True
    except OSError as error:
        return getattr(error, "code", None) == 404  # the bare app has no /health


def wrk(port: int, prefix: str, bank: Bank, kind: str, connections: int, tag: str,
        workdir: Path) -> dict[str, Any]:
    targets = ", ".join(f'{{"{t}", "{c}", "{a}", "{b}"}}' for t, c, a, b in bank.targets)
    script = workdir / f"{tag}.lua"
    script.write_text(LUA % {"targets": targets, "kind": kind, "tag": tag, "prefix": prefix})
    out = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{SECONDS}s",
                          "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}"],
                         capture_output=True, text=True, timeout=SECONDS + 60, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("{"))
    result: dict[str, Any] = json.loads(line)
    result["rate"] = result["requests"] / result["seconds"]
    return result


def refuse_errors(who: str, result: dict[str, Any]) -> None:
    """A baseline that answered errors did less work: its rate means nothing."""
    if result["bad_status"] + result.get("socket_errors", 0):
        raise SystemExit(f"{who} answered errors, its rate means nothing: {result}")


async def open_loop(port: int, prefix: str, bank: Bank, rate: float, tag: str,
                    connections: int = 64) -> dict[str, float]:
    """POST transfers at a fixed rate; latency counts from when each request was due."""
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    latencies: list[float] = []
    bad = 0

    async def one(i: int, due: float) -> None:
        nonlocal bad
        token, owner, a, b = bank.targets[i % len(bank.targets)]
        source, destination = (a, b) if i % 2 else (b, a)
        body = json.dumps({"to_account_number": destination,
                           "amount": {"amount": "1.00", "currency": "INR"}}).encode()
        head = (f"POST {prefix}/accounts/{source}/transfer HTTP/1.1\r\nHost: bench\r\n"
                f"Authorization: Bearer {token}\r\nX-Customer-Id: {owner}\r\n"
                f"Idempotency-Key: {tag}-{i}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        reader, writer = await pool.get()
        try:
            for attempt in (1, 2):  # an idle keep-alive connection may have been closed: reopen
                try:
                    status = await _exchange(reader, writer, head + body)
                    break
                except (ConnectionError, asyncio.IncompleteReadError, IndexError):
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    if attempt == 2:
                        raise
        finally:
            pool.put_nowait((reader, writer))
        latencies.append(time.perf_counter() - due)
        if status != 201:
            bad += 1

    start = time.perf_counter()
    total = int(rate * SECONDS)
    tasks = []
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, due)))
    await asyncio.gather(*tasks)
    while not pool.empty():
        pool.get_nowait()[1].close()
    q = statistics.quantiles(latencies, n=100)
    return {"rate": total / (time.perf_counter() - start), "p50": q[49] * 1e6,
            "p95": q[94] * 1e6, "p99": q[98] * 1e6, "bad_status": bad}


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    request: bytes) -> int:
    """Send one request on a keep-alive connection; its status once the body was read."""
    writer.write(request)
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    return status


def measure(database: str, url: str, workers: int, workdir: Path, table: Table,
            open_table: Table) -> None:
    bank = Bank(url)
    vaani = ([str(BIN / "vaani"), "serve", "--port", "8791", "--workers", str(workers)],
             8791, "/api/v1")
    bare = ([str(BIN / "uvicorn"), "--factory", "bench.bare_app:create", "--port", "8792",
             "--workers", str(workers), "--log-level", "info", "--no-access-log"], 8792, "")
    label = f"{database}, {workers} worker{'s' if workers > 1 else ''}"
    best: dict[str, float] = {}
    for kind in ("transfer", "balance"):
        for connections in (16, 64):
            runs: dict[str, list[dict[str, Any]]] = {"vaani": [], "bare": []}
            for r in range(ROUNDS):
                for name, (command, port, prefix) in (("vaani", vaani), ("bare", bare)):
                    before = bank.transfers()
                    with server(command, bank.env, port, workers):
                        result = wrk(port, prefix, bank, kind, connections,
                                     f"{database[:2]}{kind[0]}{connections}{name}{r}", workdir)
                    bank.check()
                    if name == "bare":
                        refuse_errors("the baseline", result)
                    if kind == "transfer" and bank.transfers() - before < result["requests"] - \
                            result["bad_status"]:
                        raise SystemExit(f"an acknowledged transfer is missing: {result}, "
                                         f"{bank.transfers() - before} new transfers")
                    runs[name].append(result)
            v, b = (_median(runs["vaani"]), _median(runs["bare"]))
            best[f"{kind}-vaani"] = max(best.get(f"{kind}-vaani", 0), v["rate"])
            best[f"{kind}-bare"] = max(best.get(f"{kind}-bare", 0), b["rate"])
            print(f"{label} {kind} c={connections}: vaani {v['rate']:,.0f}/s p99 "
                  f"{v['p99'] / 1000:.0f} ms, bare {b['rate']:,.0f}/s p99 {b['p99'] / 1000:.0f} ms",
                  flush=True)
            table.add([label, f"{'POST /transfer' if kind == 'transfer' else 'GET /balance'}",
                       str(connections), *_cells(v), *_cells(b), f"{v['rate'] / b['rate']:.2f}",
                       str(int(v["bad_status"] + v["socket_errors"]))])
    for share in (0.5, 0.8):
        results = {}
        for name, (command, port, prefix) in (("vaani", vaani), ("bare", bare)):
            rate = best[f"transfer-{name}"] * share
            with server(command, bank.env, port, workers):
                results[name] = asyncio.run(open_loop(port, prefix, bank, rate,
                                                      f"{database[:2]}o{share}{name}"))
            bank.check()
        v, b = results["vaani"], results["bare"]
        refuse_errors("the baseline (open loop)", b)
        open_table.add([label, f"{share:.0%}", *_cells(v), *_cells(b), str(int(v["bad_status"]))])
        print(f"{label} open loop {share:.0%}: vaani {v['rate']:,.0f}/s p99 {v['p99'] / 1000:.0f} "
              f"ms, bare {b['rate']:,.0f}/s p99 {b['p99'] / 1000:.0f} ms", flush=True)


def _median(runs: list[dict[str, Any]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs)
            for k in ("rate", "p50", "p95", "p99", "bad_status", "socket_errors")}


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
                   "Vaani errors"])
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
request) against a bare Starlette endpoint doing the hand-written transaction
(`bench/bare_app.py`, no authentication), both under uvicorn on loopback, same database.
{CUSTOMERS} customers moving 1.00 between their own accounts, a fresh Idempotency-Key per request.
Closed loop: `wrk -t2`, {SECONDS} s per run, medians of {ROUNDS} interleaved rounds; the load
generator shares the 2 cores with the server. A run starts once every worker of the server has
logged its start-up (until 2026-12-01 it started when the first answered, while Vaani's second
worker was still loading the speaker model). SQLite synchronous FULL; PostgreSQL with default
durability. With two workers on SQLite, Vaani's writers take turns on a lock the kernel wakes
them from (`adapters/sql/sqlite/one_writer.py`); the bare endpoint's two processes wait for each other
in SQLite's busy handler, as a hand-written app does. On SQLite, Vaani reads a balance and
writes a transfer on the event loop itself (`adapters/sql/sqlite/in_place.py`, chosen by
`entrypoints/http/dispatch/sqlite_loop.py`; a worker thread only waits for the writer turn while
another worker has it), and transfers in flight together share one commit (at most 8, none
answered before it: `entrypoints/http/dispatch/group_commit.py`); the bare endpoint reads and writes on
Starlette's thread pool, one commit each. With several workers, a worker carrying more than its share of requests
in flight sends one client at a time to reconnect (`entrypoints/http/worker_load.py`): the 16
connections opened at once used to be split 14 / 2 or 12 / 4 between Vaani's two workers, the
crowded one answering at a third of the other's speed; the bare endpoint's workers are left as
uvicorn splits them. After every run the ledger and audit chain verify, customer money is
unchanged and every acknowledged transfer is in the database.
Load average before: {load_before:.2f}.
Targets: ratio ≥ 0.7, p99 ≤ 50 ms at 16 connections on SQLite.

{table.render()}

Open loop (fixed arrival rate, share of each server's own closed-loop maximum; latency from the
moment a request was due, over up to 64 connections):

{open_table.render()}""")


if __name__ == "__main__":
    main()
