"""Where in the primary's WAL each customer's last write ended: what a replica must have
replayed before it may answer that customer's reads. Kept by one process, or shared by the
workers of one `vaani serve` (a client that one worker answered may ask the next one)."""

from __future__ import annotations

import contextlib
import fcntl
import mmap
import os
import threading
from array import array
from collections.abc import Iterator
from typing import Protocol
from uuid import UUID

SLOTS = 1 << 16  # 1 MiB shared (a position and a count per slot), whatever the customers
UNKNOWN = (1 << 63) - 1  # a position no replica reaches: the primary answers
SIZE = 16 * SLOTS


class _Words(Protocol):
    """A table of 64-bit words: an array here, a mapped file's memory when shared."""

    def __getitem__(self, index: int, /) -> int: ...
    def __setitem__(self, index: int, value: int, /) -> None: ...


class LastWrites:
    """A fixed table of WAL positions, one slot per group of customers (by their id): a slot
    holds the latest position noted for any customer of its group. So it is never below a
    customer's own last write — the one promise a read needs — and it never grows, never forgets
    and never evicts: a customer sharing a slot with a busier one at worst reads from the primary
    a little more often.

    A write whose position could not be learnt (the primary went away just after its COMMIT)
    makes its slot UNKNOWN (counted, for every process sharing the table to see) until the
    process that wrote notes a position *asked* after that: one the primary gave later in the
    same WAL, past that COMMIT. A process that dies meanwhile leaves the slot to the primary
    until the table is made again (the next `vaani serve`)."""

    def __init__(self, slots: int = SLOTS, shared: str | None = None) -> None:
        """`shared`: the path of a file of SIZE bytes (`shared_file`) whose table this one is."""
        self._slots = slots
        self._positions: _Words
        self._unknown: _Words  # per slot: writes of unknown end not yet resolved
        self._fd: int | None = None
        if shared is None:
            self._positions = array("q", bytes(8 * slots))
            self._unknown = array("q", bytes(8 * slots))
        else:
            self._fd = os.open(shared, os.O_RDWR | os.O_CLOEXEC)
            if os.fstat(self._fd).st_size < 16 * slots:
                os.close(self._fd)
                raise ValueError(f"{shared} is not a table of last writes")
            table = memoryview(mmap.mmap(self._fd, 16 * slots)).cast("q")
            self._positions, self._unknown = table[:slots], table[slots:]
        self._pending: dict[int, float] = {}  # this process's unknown slots: since when
        self._threads = threading.Lock()

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Notes are read-modify-write: one at a time among this process's threads, and among
        the processes sharing the file (flock). Reads take no lock: a slot is one aligned word."""
        with self._threads:
            if self._fd is None:
                yield
                return
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _slot(self, customer: UUID) -> int:
        value = customer.int
        return (value ^ value >> 64) % self._slots  # both halves: random bits in UUIDs 4 and 7

    def of(self, customer: UUID) -> int:
        """The WAL position a read of `customer`'s must see (0: nothing noted)."""
        slot = self._slot(customer)
        return UNKNOWN if self._unknown[slot] else self._positions[slot]

    def note(self, customer: UUID, position: int, asked_at: float) -> None:
        """`customer` wrote, and the primary's WAL position was `position` once it had
        committed, asked at `asked_at` (time.monotonic())."""
        slot = self._slot(customer)
        with self._lock():
            positions = self._positions
            positions[slot] = max(positions[slot], position)
            for unknown, since in list(self._pending.items()):
                if since < asked_at:
                    positions[unknown] = max(positions[unknown], position)
                    self._unknown[unknown] -= 1
                    del self._pending[unknown]

    def note_unknown(self, customer: UUID, since: float) -> None:
        """`customer` wrote and committed before `since`, at a position nobody told us."""
        slot = self._slot(customer)
        with self._lock():
            if slot not in self._pending:
                self._unknown[slot] += 1
            self._pending[slot] = since


@contextlib.contextmanager
def shared_file() -> Iterator[str | None]:
    """For `vaani serve`'s supervisor: a fresh table (zeros: nothing noted) for its workers, a
    file in memory with no name (memfd, opened by the workers through /proc), gone with the
    supervisor. None where there is no memfd: each worker then keeps its own table."""
    if not hasattr(os, "memfd_create"):
        yield None
        return
    fd = os.memfd_create("vaani-last-writes", os.MFD_CLOEXEC)
    try:
        os.ftruncate(fd, SIZE)
        yield f"/proc/{os.getpid()}/fd/{fd}"
    finally:
        os.close(fd)
