"""Running blocking use cases off the event loop, on the application's own worker threads.

Starlette's `run_in_threadpool` goes through anyio (capacity limiter, cancel scopes, async-library
detection) and lets 40 threads contend for the GIL and the connection pool: each hop spends the
event loop's time, and the convoy of threads raises every request's latency. Two executors,
installed by the app's lifespan:

- the loop's default, VAANI_HTTP_THREADS threads, for database work. Few threads are faster: a
  thread holding SQLite's write lock waits for the GIL behind every other runnable thread;
- a heavy one, VAANI_HTTP_HEAVY_THREADS (one per core, at most 4), for argon2 and the speaker
  model: long stretches of CPU each, run outside the GIL, which must not hold up balance requests.
(The measurements: docs/benchmarks.md, "Figures once in docstrings".)"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from entrypoints.caller import carried

P = ParamSpec("P")
R = TypeVar("R")
_heavy: list[ThreadPoolExecutor] = []  # the running app's, once its lifespan has started


async def offload(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run `fn` on a worker thread, on behalf of the current caller (entrypoints/caller.py). If
    the awaiting request is cancelled (the client went away), the thread still finishes its
    transaction: commit or rollback, never half of one."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(carried(fn), *args, **kwargs))


async def offload_heavy(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`offload` for password hashing and voice work (the use cases that call them)."""
    loop = asyncio.get_running_loop()
    executor = _heavy[-1] if _heavy else None  # None: the default one (an app without lifespan)
    return await loop.run_in_executor(executor, functools.partial(carried(fn), *args, **kwargs))


def install_executors(threads: int, heavy_threads: int) -> list[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="vaani-http")
    asyncio.get_running_loop().set_default_executor(executor)
    heavy = ThreadPoolExecutor(max_workers=heavy_threads, thread_name_prefix="vaani-heavy")
    _heavy.append(heavy)
    return [executor, heavy]


def remove_executors(executors: list[ThreadPoolExecutor]) -> None:
    for executor in executors:
        if executor in _heavy:
            _heavy.remove(executor)
        executor.shutdown(wait=True)  # let running transactions finish
