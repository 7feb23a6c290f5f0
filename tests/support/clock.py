"""A deterministic clock for tests: starts where told and moves only when asked."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SteppingClock:
    def __init__(self, start: datetime | None = None, step: timedelta = timedelta(0)) -> None:
        self._now = start or datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
        self._step = step
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            current = self._now
            self._now += self._step
            return current

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now += delta

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment
