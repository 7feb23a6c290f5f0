"""Where in the primary's WAL each customer's last write ended, as far as this process knows:
what a replica must have replayed before it may answer that customer's reads."""

from __future__ import annotations

import threading
from array import array
from uuid import UUID

SLOTS = 1 << 16  # 512 KiB, whatever the number of customers
UNKNOWN = (1 << 63) - 1  # a position no replica reaches: the primary answers


class LastWrites:
    """A fixed table of WAL positions, one slot per group of customers (by their id): a slot
    holds the latest position noted for any customer of its group. So it is never below a
    customer's own last write — the one promise a read needs — and it never grows, never forgets
    and never evicts: a customer sharing a slot with a busier one at worst reads from the primary
    a little more often. A process notes only its own writes (docs/replicas.md says what that
    means for several workers or hosts).

    A write whose position could not be learnt (the primary went away just after its COMMIT)
    leaves its slot UNKNOWN until this process notes a position *asked* after that: one the
    primary gave later in the same WAL, past that COMMIT."""

    def __init__(self, slots: int = SLOTS) -> None:
        self._positions = array("q", bytes(8 * slots))
        self._slots = slots
        self._unknown: dict[int, float] = {}  # slot: when (time.monotonic()) it became unknown
        self._lock = threading.Lock()  # notes are read-modify-write; reads need no lock

    def _slot(self, customer: UUID) -> int:
        value = customer.int
        return (value ^ value >> 64) % self._slots  # both halves: random bits in UUIDs 4 and 7

    def of(self, customer: UUID) -> int:
        """The WAL position a read of `customer`'s must see (0: nothing noted)."""
        slot = self._slot(customer)
        return UNKNOWN if slot in self._unknown else self._positions[slot]

    def note(self, customer: UUID, position: int, asked_at: float) -> None:
        """`customer` wrote, and the primary's WAL position was `position` once it had
        committed, asked at `asked_at` (time.monotonic())."""
        slot = self._slot(customer)
        with self._lock:
            positions = self._positions
            positions[slot] = max(positions[slot], position)
            for unknown, since in list(self._unknown.items()):
                if since < asked_at:
                    positions[unknown] = max(positions[unknown], position)
                    del self._unknown[unknown]

    def note_unknown(self, customer: UUID, since: float) -> None:
        """`customer` wrote and committed before `since`, at a position nobody told us."""
        with self._lock:
            self._unknown[self._slot(customer)] = since
