"""SQLite writers take turns before they ask the database for its write lock.

SQLite has one writer. A writer that finds the database locked sleeps in its busy handler
(1, 2, 5, 10 … ms) and asks again, so while one writes, the others sleep through the moment it
finishes: a second worker writing the same file adds waiting and no transfers. Queued on a
lock the kernel wakes them from, the next writer starts as the last one commits, and two
workers then outdo one. The price: the turn changes process at nearly every commit, and a
connection whose file another process wrote reads its pages afresh; processes doing nothing
but transfers make fewer than writers left to sleep and retry, which run in bursts (at a far
worse tail latency). Server processes parse, check and answer between their writes, and there
the turn wins both ways (docs/benchmarks.md, "Figures once in docstrings").

The turn is a `threading.Lock` for the threads of this process and an exclusive `flock` on
`<database>-writer` for the processes (server workers, operators' CLI commands). The kernel
drops a process's `flock` when it dies, even by SIGKILL, so a crashed writer never leaves the
turn taken. Correctness never depends on the turn: SQLite still serialises every writer (and
writers outside Vaani, which take no turn, still get its busy timeout); the turn only
saves the sleeping. So a turn file that cannot be opened (a read-only directory, a name taken)
costs only that: writers of this process still take turns among themselves, the others wait as
SQLite makes them, and the log says why once. A file opened before a fork is shared with the
child, and `flock` would not tell the two apart, so each process opens its own.

A writer waits for its turn `wait` seconds at most (VAANI_DB_WAIT_SECONDS), counted once from
when it asks, for the threads' lock and the file's together; then `DatabaseBusy`: a request is
answered 503 database_unavailable in that time, where a writer holding the turn for long (a
stuck operator's command) would otherwise keep every request of every worker waiting."""

from __future__ import annotations

import enum
import logging
import os
import sqlite3
import threading
import time

from adapters.sql.sqlite.timed_flock import TimedFlock

log = logging.getLogger("vaani.sql")


class Refusal(enum.Enum):
    """Who has the turn, when `try_acquire` could not take it."""

    THIS_PROCESS = "a thread of this process is writing"
    ANOTHER_PROCESS = "another process is writing"


class DatabaseBusy(sqlite3.OperationalError):
    """The writer turn was not had in time. A `sqlite3.OperationalError`, as SQLite's own
    "database is locked" after its busy timeout: handled wherever that one is."""


# How long a writer waits for its turn unless told otherwise (VAANI_DB_WAIT_SECONDS).
DEFAULT_WAIT_SECONDS = 5.0


class WriterTurn:
    def __init__(self, database: str, wait: float = DEFAULT_WAIT_SECONDS) -> None:
        self._path = f"{database}-writer"
        self._wait = wait
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._flock: TimedFlock | None = None  # on `_fd`
        self._pid = 0
        self._held: TimedFlock | None = None  # the lock taken by the current holder

    def acquire(self) -> None:
        """Take the turn, or raise `DatabaseBusy` after the wait."""
        deadline = time.monotonic() + self._wait
        if not self._threads.acquire(timeout=self._wait):
            raise DatabaseBusy(f"a writer of this process kept the database for over "
                               f"{self._wait:g} s")
        try:
            flock = self._file()
            if flock is not None and not flock.lock(max(0.0, deadline - time.monotonic())):
                raise DatabaseBusy(f"another process kept the database for over "
                                   f"{self._wait:g} s")
            self._held = flock
        except BaseException:
            self._threads.release()
            raise

    def try_acquire(self) -> Refusal | None:
        """`acquire` if the turn is free right now (None); else who has it, holding nothing."""
        if not self._threads.acquire(blocking=False):
            return Refusal.THIS_PROCESS
        try:
            flock = self._file()
            if flock is not None and not flock.try_lock():
                self._threads.release()
                return Refusal.ANOTHER_PROCESS
            self._held = flock
            return None
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        try:
            if self._held is not None:
                self._held.unlock()
        finally:
            self._held = None
            self._threads.release()

    def _file(self) -> TimedFlock | None:
        """This process's lock on the turn's file (opened again after a fork), or None when
        it cannot be opened: then the turn is this process's threads' only."""
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._flock = None
            try:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                self._flock = TimedFlock(self._fd)
            except OSError as error:
                self._fd = None
                log.warning("SQLite writers of other processes will wait in SQLite's busy "
                            "handler: cannot open %s (%s)", self._path, error.strerror)
        return self._flock

    def close(self) -> None:
        with self._threads:
            # A descriptor a thread still waits on stays open, for the process's last moments.
            if self._fd is not None and self._pid == os.getpid() \
                    and not (self._flock is not None and self._flock.waiting):
                os.close(self._fd)
            self._fd, self._flock, self._pid = None, None, 0
