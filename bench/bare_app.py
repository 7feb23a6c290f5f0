"""The HTTP baseline: a bare Starlette app doing the hand-written transaction of
bench/ledger_baseline.py — no authentication, no validation beyond parsing, no fraud scoring.
SQLite: one writer thread (SQLite has one writer anyway) and two reader threads; PostgreSQL:
Starlette's thread pool over a pool of connections.

Run: BARE_DATABASE_URL=... uvicorn --factory bench.bare_app:create"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any
from uuid import UUID

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bench.ledger_baseline import Driver, hand_written


def create() -> Starlette:
    url = os.environ["BARE_DATABASE_URL"]
    sqlite = url.startswith("sqlite")
    pool: queue.Queue[Driver] = queue.Queue()
    for _ in range(1 if sqlite else 16):
        pool.put(hand_written(url))
    writer = ThreadPoolExecutor(max_workers=1) if sqlite else None
    # SQLite: reads on two threads of their own, a connection each (as many as Vaani's SQLite
    # default gives its database work): Starlette's pool let up to 40 threads contend for the
    # GIL with the writer, and the one-worker server's latency stalled with the convoy.
    reader = ThreadPoolExecutor(max_workers=2) if sqlite else None
    readers = threading.local()

    def with_driver(work: Any) -> Any:
        driver = pool.get()
        try:
            return work(driver)
        finally:
            pool.put(driver)

    async def transfer(request: Request) -> JSONResponse:
        body = json.loads(await request.body())
        minor = int(Decimal(body["amount"]["amount"]) * 100)
        args = (UUID(request.headers["x-customer-id"]), request.path_params["number"],
                body["to_account_number"], minor, request.headers["idempotency-key"])

        def work() -> UUID:
            return with_driver(lambda driver: driver.transfer(*args))
        if writer is not None:
            transfer_id = await asyncio.wrap_future(writer.submit(work))
        else:
            transfer_id = await run_in_threadpool(work)
        return JSONResponse({"id": str(transfer_id), "status": "completed"}, status_code=201)

    async def balance(request: Request) -> JSONResponse:
        number = request.path_params["number"]

        def read() -> Any:
            if not sqlite:
                return with_driver(lambda driver: driver.balance(number))
            if not hasattr(readers, "driver"):
                readers.driver = hand_written(url)
            return readers.driver.balance(number)
        if reader is not None:
            found = await asyncio.wrap_future(reader.submit(read))
        else:
            found = await run_in_threadpool(read)
        if found is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse({"account_number": number, "balance": found[0],
                             "available": found[0] - found[1], "currency": found[2]})

    return Starlette(routes=[Route("/accounts/{number}/transfer", transfer, methods=["POST"]),
                             Route("/accounts/{number}/balance", balance)])
