"""One timed round of worker processes, shared by the ledger-limit benchmark and the peer (which
imports this file from its own environment: it needs the standard library only).

Each worker gets its share of the work and must call `target(share, tag, start, results)`:
connect and warm up, `start.wait()`, do the work, then `results.put((finished_at, latencies))`.
The clock starts when every worker is ready."""

from __future__ import annotations

import multiprocessing as mp
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def timed_round(target: Callable[..., None], work: Sequence[Any], workers: int, tag: str,
                *extra: Any) -> tuple[float, float]:
    """(items per second, p99 latency in ms); `extra` goes to `target` before the share."""
    context = mp.get_context("spawn")
    start, results = context.Barrier(workers + 1), context.Queue()
    processes = [context.Process(target=target, args=(*extra, list(work[i::workers]),
                                                      f"{tag}-{i}", start, results))
                 for i in range(workers)]
    for p in processes:
        p.start()
    start.wait(timeout=120)
    began = time.perf_counter()
    finished, latencies = [], []
    for _ in processes:
        done, some = results.get(timeout=600)
        finished.append(done)
        latencies.extend(some)
    for p in processes:
        p.join(timeout=60)
        if p.exitcode != 0:
            raise RuntimeError(f"a worker of round {tag} failed (exit {p.exitcode})")
    return len(work) / (max(finished) - began), statistics.quantiles(latencies, n=100)[98] * 1000
