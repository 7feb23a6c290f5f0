"""Driving HTTP servers for the benchmarks (bench/http_load.py, bench/peer_compare.py): start a
server and wait until every worker is up, load it with wrk at its own pace (closed loop), or
pace requests at a fixed arrival rate (open loop), and refuse a baseline's figures when it
answered errors.

`targets` is anything with a `targets` list of (token, customer id, account, account): each
request moves 1.00 between the two accounts of one target, with a fresh Idempotency-Key."""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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



# What uvicorn logs once in each worker when its application has started.
STARTED = "Application startup complete"


@contextmanager
def server(command: list[str], env: dict[str, str], port: int, workers: int = 1,
           started: str | None = STARTED) -> Iterator[None]:
    """The server, once it answers and every one of its `workers` has logged `started`: with
    several workers the first one answers while the others are still starting (Vaani's load
    the speaker model, seconds of CPU), and a run begun then measures their start-up too."""
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        process = subprocess.Popen(command, env=env,  # noqa: S603 - our own server command
                                   stdout=subprocess.DEVNULL, stderr=log)
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
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
        return True
    except OSError as error:
        return getattr(error, "code", None) == 404  # the bare app has no /health


def wrk(port: int, prefix: str, bank: Any, kind: str, connections: int, tag: str,
        workdir: Path, seconds: int) -> dict[str, Any]:
    """One closed-loop run of `seconds`: wrk's figures, and the rate."""
    targets = ", ".join(f'{{"{t}", "{c}", "{a}", "{b}"}}' for t, c, a, b in bank.targets)
    script = workdir / f"{tag}.lua"
    script.write_text(LUA % {"targets": targets, "kind": kind, "tag": tag, "prefix": prefix})
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s",
               "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}"]
    out = subprocess.run(command,  # noqa: S603 - a fixed local tool, no shell
                         capture_output=True, text=True, timeout=seconds + 60, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("{"))
    result: dict[str, Any] = json.loads(line)
    result["rate"] = result["requests"] / result["seconds"]
    return result


def refuse_errors(who: str, result: dict[str, Any]) -> None:
    """A baseline that answered errors did less work: its rate means nothing."""
    if result["bad_status"] + result.get("socket_errors", 0):
        raise SystemExit(f"{who} answered errors, its rate means nothing: {result}")


async def open_loop(port: int, prefix: str, bank: Any, rate: float, tag: str, requests: int,
                    connections: int = 64) -> dict[str, Any]:
    """POST `requests` transfers at a fixed rate (sized by count, not time: a p99 needs
    enough of them); latency counts from when each request was due."""
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    latencies: list[float] = []
    refused: Counter[int] = Counter()  # the statuses other than 201, so a table can say which

    async def one(i: int, due: float) -> None:
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
            refused[status] += 1

    start = time.perf_counter()
    total = requests
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
            "p95": q[94] * 1e6, "p99": q[98] * 1e6,
            "bad_status": sum(refused.values()), "refused": dict(sorted(refused.items()))}


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
