"""A forgotten password's way back: a single-use token delivered to the customer's own contact
(never in an HTTP answer), stored only as its SHA-256, useless after fifteen minutes."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import attrs

# Long enough to read a mail and type a new password; short enough that a mailbox read later
# (a shared computer, a leaked archive) finds a dead token.
RESET_LIFETIME = timedelta(minutes=15)
MAX_TOKEN_LENGTH = 128  # anything longer is no token the bank issued: refused unhashed


@attrs.frozen
class PasswordReset:
    """A reset token waiting for its new password: found by the SHA-256 of the opaque token
    (256 random bits need no slow hash), spent by the reset it allows."""

    token_hash: str
    customer_id: UUID
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at
