"""Sessions and their rotating refresh tokens (RFC 9700: one family per session)."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import attrs


@attrs.define(eq=False)
class Session:
    """A logged-in device. Revoking it stops its access and refresh tokens at once."""

    id: UUID
    customer_id: UUID
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime
    ip: str | None = None
    device_id: str | None = None
    revoked_at: datetime | None = None
    revoked_reason: str | None = None

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def revoke(self, now: datetime, reason: str) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
            self.revoked_reason = reason


@attrs.define(eq=False)
class RefreshToken:
    """Stored only as a SHA-256 hash. `replaced_by` points at the token that rotated it."""

    token_hash: str
    session_id: UUID
    issued_at: datetime
    expires_at: datetime
    rotated_at: datetime | None = None
    replaced_by: str | None = None

    @property
    def is_current(self) -> bool:
        return self.rotated_at is None

    def rotate(self, now: datetime, successor_hash: str) -> None:
        self.rotated_at = now
        self.replaced_by = successor_hash

    def withdraw(self, now: datetime, successor_hash: str) -> None:
        """Replace a token that was never delivered (a benign retry made a new one); it ends at
        once, so it can never count as the 'previous' token of a further retry."""
        self.rotate(now, successor_hash)
        self.expires_at = now

    def within_grace(self, now: datetime, grace: timedelta) -> bool:
        """A benign retry: the client lost the answer to its last refresh and tries again."""
        return (self.rotated_at is not None and self.expires_at > self.rotated_at
                and now - self.rotated_at <= grace)
