"""Consecutive failed logins per customer number, known or not, so a lockout answer cannot
tell an attacker which customer numbers exist."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs


@attrs.frozen
class LockoutPolicy:
    max_failures: int = 5
    lock_for: timedelta = timedelta(minutes=15)


@attrs.define(eq=False)
class LoginAttempts:
    customer_number: str
    failures: int = 0
    locked_until: datetime | None = None
    last_failure_at: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def record_failure(self, now: datetime, policy: LockoutPolicy) -> bool:
        """Count one failure; returns True when this failure locks the customer out."""
        if self.locked_until is not None and now >= self.locked_until:
            self.failures = 0  # the lock has run out: start counting afresh
            self.locked_until = None
        self.failures += 1
        self.last_failure_at = now
        if self.failures >= policy.max_failures:
            self.locked_until = now + policy.lock_for
            return True
        return False

    def record_success(self) -> None:
        self.failures = 0
        self.locked_until = None
