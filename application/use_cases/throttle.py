"""Rate limits kept in the database, so every worker process and host counts together."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from application.auth_policy import AuthPolicy
from application.ports import Clock, UnitOfWorkFactory
from domain.errors import RateLimited


class Throttle:
    """Counts one request into each (bucket, limit); refuses once any bucket is over."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, policy: AuthPolicy) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._window = policy.rate_window

    def execute(self, buckets: Sequence[tuple[str, int]]) -> None:
        now = self._clock.now()
        seconds = int(self._window.total_seconds())
        start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, now.tzinfo)
        with self._uow_factory(write=True) as uow:
            over = [key for key, limit in buckets if uow.rate_limits.hit(key, start) > limit]
            uow.commit()
        if over:
            retry_after = max(1, int((start + self._window - now).total_seconds() + 0.999))
            raise RateLimited("too many requests; slow down", retry_after=retry_after)
