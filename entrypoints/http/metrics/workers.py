"""Several workers, one `/metrics`: each worker writes its counts to files in a directory
of the server's (prometheus_client's multiprocess mode), and a scrape, whichever worker
answers it, sums them all."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def shared_by_workers(serving_metrics: bool) -> Iterator[None]:
    """For `vaani serve --workers N`, before the workers start: a fresh directory for this
    server's counts (a previous server's files would add their counts to ours), named in the
    environment the workers inherit, and removed when the server exits."""
    if not serving_metrics:
        yield
        return
    path = tempfile.mkdtemp(prefix="vaani-metrics-")
    before = os.environ.get(DIRECTORY)
    os.environ[DIRECTORY] = path
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(DIRECTORY, None)
        else:
            os.environ[DIRECTORY] = before
        shutil.rmtree(path, ignore_errors=True)


def directory() -> str | None:
    """Where this process's workers count, if they count together."""
    return os.environ.get(DIRECTORY) or None


def leaving() -> None:
    """A worker's last words at shutdown: its live gauges (pool use) stop counting."""
    if (path := directory()) is not None:
        from prometheus_client import multiprocess  # `vaani serve` imports this module early

        multiprocess.mark_process_dead(os.getpid(), path)  # type: ignore[no-untyped-call]


def forget_dead_workers(path: str) -> None:
    """A worker killed outright said no last words, and a worker uvicorn started in its place
    counts under another pid: the live gauges of a pid no longer running are dropped before a
    scrape sums them (its counters stay: what it counted did happen)."""
    from prometheus_client import multiprocess

    pids = {name.rsplit("_", 1)[-1].removesuffix(".db")
            for name in os.listdir(path) if name.startswith("gauge_live")}
    for pid in pids:
        if pid.isdigit() and not _running(int(pid)):
            multiprocess.mark_process_dead(int(pid), path)  # type: ignore[no-untyped-call]


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process now holds the number
        return True
    return True
