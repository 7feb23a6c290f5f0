"""When the event loop stops writing in place for a while: a slow disk's fsync held it too long."""

from __future__ import annotations

import time
from collections.abc import Callable

# Writes in place pause (PAUSE_S) when they hold the loop this long on average (the moving
# average of the last ten or so, so one hiccup of the disk does not count): while a worker
# thread waits for the disk, the loop serves the worker's other requests.
SLOW_WRITE_S = 0.005
PAUSE_S = 1.0


class WritePace:
    """Decides from the writes' own durations, on the clock it is given (tests pass their own),
    whether writes in place are open; never from how busy the machine is in a test."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 slow_write_s: float | None = None, pause_s: float | None = None) -> None:
        self.now = clock
        self._slow = SLOW_WRITE_S if slow_write_s is None else slow_write_s
        self._pause = PAUSE_S if pause_s is None else pause_s
        self._average = 0.0
        self._resume_at = float("-inf")

    def open(self) -> bool:
        return self.now() >= self._resume_at

    def took(self, seconds: float) -> None:
        """A write in place held the loop `seconds` (its share of a shared commit included)."""
        self._average = 0.9 * self._average + 0.1 * seconds
        if self._average > self._slow:
            self._average = 0.0  # after the pause, measured afresh
            self._resume_at = self.now() + self._pause
