"""Keeping the workers of one `vaani serve` evenly loaded.

uvicorn's workers accept from one listening socket, and a worker woken for a burst of new
connections accepts all of them. Keep-alive clients then stay where they landed, most of them
often on one worker. Each worker is one process and runs Python on one core at a time, so the
crowded one answers slower than the other, and the tail latency is the crowded one's
(docs/benchmarks.md, "Figures once in docstrings").

Each worker counts the requests it has in flight in a slot of a small file the supervisor made
(`shared_load_file`, named by `VAANI_WORKER_LOAD_FILE`). A worker carrying more than its share
(the mean over live workers plus one) answers one request with `Connection: close`, at most
once per `EVERY_SECONDS`: the client opens a new connection, which lands on whichever worker
accepts it first, and that is seldom the busy one. HTTP/1.1 clients reconnect on their own;
nothing is lost or repeated, the answer was delivered. Each slot is written by its own worker
only; a reader may see a count a request old, which a balance needs no better."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import mmap
import os
import struct
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger("vaani.http")
ENVIRONMENT = "VAANI_WORKER_LOAD_FILE"
SLOTS = 256  # more than `vaani serve --workers` allows, and the workers uvicorn restarts
EVERY_SECONDS = 0.05
_SLOT = struct.Struct("=ii")  # a worker's pid (0: free) and its requests in flight
_SIZE = SLOTS * _SLOT.size


@contextlib.contextmanager
def shared_load_file() -> Iterator[str]:
    """For the supervisor: a fresh file for its workers' counts, gone when serving ends. On
    Linux a file in memory with no name (memfd), which the workers open through /proc: nothing
    is left behind even when the supervisor is killed. Elsewhere, a file in a private temporary
    directory, removed when serving ends normally."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("vaani-worker-load", os.MFD_CLOEXEC)
        try:
            os.ftruncate(fd, _SIZE)  # zeros: every slot free
            yield f"/proc/{os.getpid()}/fd/{fd}"
        finally:
            os.close(fd)
        return
    with tempfile.TemporaryDirectory(prefix="vaani-workers-") as directory:
        path = Path(directory) / "load"
        path.write_bytes(bytes(_SIZE))
        path.chmod(0o600)
        yield str(path)


@contextlib.contextmanager
def shared_with_workers() -> Iterator[None]:
    """For the supervisor, around serving: a fresh file, named to the workers it starts in
    their environment (`WorkerLoad.from_environment`); both gone when serving ends."""
    with shared_load_file() as path:
        os.environ[ENVIRONMENT] = path
        try:
            yield
        finally:
            del os.environ[ENVIRONMENT]


class WorkerLoad:
    """This worker's slot in the shared file, and the decision to send a client elsewhere."""

    def __init__(self, path: str, pid: int | None = None,
                 alive: Callable[[int], bool] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._pid = pid or os.getpid()
        self._alive = alive or _alive
        self._clock = clock
        fd = os.open(path, os.O_RDWR)
        try:
            if os.fstat(fd).st_size < _SIZE:
                raise ValueError(f"{path} is not a worker load file")
            self._map = mmap.mmap(fd, _SIZE)
            self._offset = self._claim(fd)
        finally:
            os.close(fd)  # the mapping stays valid without it
        self._in_flight = 0
        self._next_check = 0.0

    @classmethod
    def from_environment(cls) -> WorkerLoad | None:
        """This worker's slot, or None (serving alone, or the file is unusable: the balance is
        a refinement, and a worker without it still serves; the log says why)."""
        path = os.environ.get(ENVIRONMENT)
        if not path:
            return None
        try:
            return cls(path)
        except (OSError, ValueError, RuntimeError) as error:
            log.warning("this worker will not balance its load with the others: %s", error)
            return None

    def _claim(self, fd: int) -> int:
        """A free slot, or one a dead worker left (its count no longer counts)."""
        fcntl.flock(fd, fcntl.LOCK_EX)  # workers start together: one claims at a time
        try:
            for offset in range(0, _SIZE, _SLOT.size):
                pid, _ = _SLOT.unpack_from(self._map, offset)
                if pid == 0 or pid == self._pid or not self._alive(pid):
                    _SLOT.pack_into(self._map, offset, self._pid, 0)
                    return offset
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
        raise RuntimeError("no free slot in the worker load file")

    def started(self) -> None:
        self._in_flight += 1
        _SLOT.pack_into(self._map, self._offset, self._pid, self._in_flight)

    def finished(self) -> None:
        self._in_flight -= 1
        _SLOT.pack_into(self._map, self._offset, self._pid, self._in_flight)

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def crowded(self) -> bool:
        """True when this worker carries more than its share; true at most once per
        EVERY_SECONDS, so one worker sends away one client at a time and sees the effect."""
        now = self._clock()
        if now < self._next_check:
            return False
        self._next_check = now + EVERY_SECONDS
        workers = total = 0
        for pid, count in _SLOT.iter_unpack(self._map):
            if pid and (pid == self._pid or self._alive(pid)):
                workers += 1
                total += max(count, 0)
        return workers > 1 and self._in_flight > total / workers + 1

    def close(self) -> None:
        _SLOT.pack_into(self._map, self._offset, 0, 0)
        self._map.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, another user's: not ours, but not free either
    return True
