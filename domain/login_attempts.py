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

    def reserve(self, now: datetime, policy: LockoutPolicy) -> int | None:
        """Count an attempt as failed before its password is checked, as a smart card counts a
        PIN before comparing it, so parallel attempts cannot outrun the lock: returns the
        attempt's number (the one numbered `max_failures` locks at once), or None while locked.
        A right password then calls `record_success`; an attempt that never finishes stays
        counted, the safe way."""
        if self.is_locked(now):
            return None
        if self.locked_until is not None:
            self.failures = 0  # the lock has run out: start counting afresh
            self.locked_until = None
        self.failures += 1
        self.last_failure_at = now
        if self.failures >= policy.max_failures:
            self.locked_until = now + policy.lock_for
        return self.failures

    def record_success(self) -> None:
        self.failures = 0
        self.locked_until = None

    def settle_right(self, attempt: int, now: datetime) -> bool:
        """A reserved attempt (numbered `attempt`) whose password was right, decided against
        the count as it stands now: True, ending the count, when nothing was counted after it;
        False while others' attempts counted since have locked the number (a right answer never
        lifts a lock it did not set); else True, taking back only its own count."""
        if self.failures == attempt:
            self.record_success()
            return True
        if self.is_locked(now):
            return False
        self.failures = max(0, self.failures - 1)
        return True
