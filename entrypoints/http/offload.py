"""Running blocking use cases off the event loop, on the application's own worker threads.

Starlette's `run_in_threadpool` goes through anyio (capacity limiter, cancel scopes, async-library
detection) and lets 40 threads contend for the GIL and the connection pool; measured on the
balance endpoint, a hop cost ~80 µs of loop time and the convoy of threads tripled the latency at
16 connections. One executor of VAANI_HTTP_THREADS threads, installed as the loop's default by
the app's lifespan, costs ~35 µs a hop and keeps the threads below the pool size."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


async def offload(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run `fn` on a worker thread. If the awaiting request is cancelled (the client went away),
    the thread still finishes its transaction: commit or rollback, never half of one."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(fn, *args, **kwargs))


def install_executor(threads: int) -> ThreadPoolExecutor:
    executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="vaani-http")
    asyncio.get_running_loop().set_default_executor(executor)
    return executor
