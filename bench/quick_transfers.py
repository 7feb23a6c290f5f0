"""Quick throughput check for the foundation issue (the full benchmark suite comes later).

1. the TransferMoney use case on SQLite, one thread, synchronous FULL and NORMAL;
2. POST /accounts/{n}/transfer over HTTP, 16 concurrent clients, one uvicorn worker (SQLite).

Loopback only, bounded in count and time. Run: .venv/bin/python bench/quick_transfers.py
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from uuid import UUID

import httpx2 as httpx

from application.use_cases import LogInWithPassword, TransferCommand, TransferMoney
from domain.money import Money
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import load_settings
from tests.support.banking import PASSWORD, account, customer

SECRET = "bench-secret-" + "x" * 40
N_USE_CASE = 5000
N_HTTP = 4000
CLIENTS = 16


def use_case_rate(synchronous: str, directory: Path) -> float:
    env = {"VAANI_DATABASE_URL": f"sqlite:///{directory / f'uc-{synchronous}.db'}",
           "VAANI_JWT_SECRET": SECRET, "VAANI_SQLITE_SYNCHRONOUS": synchronous}
    bank = bootstrap(load_settings(env))
    prepare_database(bank)
    owner = customer(bank)
    a = account(bank, owner, "10000000.00").account_number
    b = account(bank, owner, "10000000.00").account_number
    transfer = bank.resolve(TransferMoney)
    started = time.perf_counter()
    for i in range(N_USE_CASE):
        source, destination = (a, b) if i % 2 else (b, a)
        transfer.execute(TransferCommand(owner.id, source, destination, Money(100),
                                         idempotency_key=f"k{i}"))
    return N_USE_CASE / (time.perf_counter() - started)


async def http_rate(base: str, token: str, accounts: tuple[str, str]) -> tuple[float, list[float]]:
    latencies: list[float] = []
    counter = iter(range(N_HTTP))

    async def client(http: httpx.AsyncClient) -> None:
        for i in counter:
            source, destination = accounts if i % 2 else accounts[::-1]
            t0 = time.perf_counter()
            response = await http.post(
                f"{base}/api/v1/accounts/{source}/transfer",
                json={"to_account_number": destination,
                      "amount": {"amount": "1.00", "currency": "INR"}},
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"h{i}"})
            latencies.append(time.perf_counter() - t0)
            assert response.status_code == 201, response.text

    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(CLIENTS)))
        elapsed = time.perf_counter() - started
    return N_HTTP / elapsed, latencies


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for mode in ("FULL", "NORMAL"):
            print(f"use case, SQLite synchronous={mode}, 1 thread: "
                  f"{use_case_rate(mode, directory):,.0f} transfers/s")
        url = f"sqlite:///{directory / 'http.db'}"
        env = {**os.environ, "VAANI_DATABASE_URL": url, "VAANI_JWT_SECRET": SECRET}
        bank = bootstrap(load_settings(env))
        prepare_database(bank)
        owner = customer(bank)
        pair = (account(bank, owner, "10000000.00").account_number,
                account(bank, owner, "10000000.00").account_number)
        token = bank.resolve(LogInWithPassword).execute(owner.customer_number, PASSWORD).access_token
        assert UUID(str(owner.id))
        server = subprocess.Popen([sys.executable, "-m", "entrypoints.cli.app", "serve", "--port",
                                   "8765"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    httpx.get("http://127.0.0.1:8765/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            rate, latencies = asyncio.run(http_rate("http://127.0.0.1:8765", token, pair))
            q = statistics.quantiles(latencies, n=100)
            print(f"HTTP POST /transfer, SQLite FULL, {CLIENTS} clients, 1 worker: {rate:,.0f} "
                  f"transfers/s, p50 {q[49] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms")
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
