"""A customer's second factor: an authenticator app's time-based codes (TOTP, RFC 6238), the
recovery codes that stand in for a lost phone, and the short-lived ticket between the two steps
of a login that needs a code."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from uuid import UUID

import attrs

from domain.errors import ValidationError

PERIOD_SECONDS = 30  # RFC 6238's default: what every authenticator app shows
DIGITS = 6
# One step either side of now: a phone's clock a little off, or a code typed as it turned over.
DRIFT_STEPS = 1
RECOVERY_CODES = 10
TICKET_LIFETIME = timedelta(minutes=5)  # between a right password and its code

_CODE = re.compile(rf"[0-9]{{{DIGITS}}}")
# 60 bits of base32: a guess is hopeless, so SHA-256 (not a slow hash) stores them.
_RECOVERY = re.compile(r"[A-Z2-7]{12}")


def time_step(now: datetime) -> int:
    return int(now.timestamp()) // PERIOD_SECONDS


def steps_around(now: datetime) -> tuple[int, ...]:
    """The time steps whose code is accepted now, oldest first."""
    step = time_step(now)
    return tuple(range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1))


def check_code(code: str) -> None:
    if not _CODE.fullmatch(code):
        raise ValidationError(f"the code must be {DIGITS} digits", field="code")


def normalise_recovery_code(text: str) -> str:
    """As printed (groups of four, any case, dashes or spaces) to the form that is hashed."""
    plain = text.replace("-", "").replace(" ", "").upper()
    if not _RECOVERY.fullmatch(plain):
        raise ValidationError("a recovery code is 12 letters and digits (as printed, dashes "
                              "allowed)", field="recovery_code")
    return plain


def printed_recovery_code(plain: str) -> str:
    return "-".join(plain[i:i + 4] for i in range(0, len(plain), 4))


@attrs.define(eq=False)
class TotpFactor:
    """The customer's authenticator: pending until a first code confirms it, then asked at
    every password login. The secret is kept sealed (never in the clear at rest) and
    `last_step` is the newest time step a code was accepted for: a code of that step or an
    earlier one is spent, so a code seen over a shoulder cannot be used again."""

    customer_id: UUID
    secret_sealed: str = attrs.field(repr=False)
    created_at: datetime
    confirmed_at: datetime | None = None
    last_step: int = -1

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None


@attrs.frozen
class LoginTicket:
    """A right password waiting for its second factor: found by the SHA-256 of the opaque
    ticket, spent by the login it completes, useless after `expires_at`."""

    ticket_hash: str
    customer_id: UUID
    created_at: datetime
    expires_at: datetime
    device_identifier: str | None = None  # the second step must name the same device
    used_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at
