"""A new second factor settles before it stands on its own. The password alone can create each
one a held payment accepts: set a UPI PIN, turn on an authenticator, or enrol a first voice from
a device a password login bound. So until `AuthPolicy.factor_settles_after` has passed since a
factor was created or replaced it is only the password's word again, and where it stands as a
factor of its own (a held payment's answer, re-enrolling a voice) a right answer from it is
refused, as no wrong answer: FactorTooRecent, naming what else answers and from when.

A device is such a factor too (something held): while no voice is enrolled the password alone
binds a new one trusted, so the fraud screen weighs a device bound less than the same day ago
as a new device, not a known one (`FraudScreen`, `device_settled`)."""

from __future__ import annotations

from datetime import datetime

import attrs

from application.auth_policy import AuthPolicy
from domain.device import DeviceBinding
from domain.errors import FactorTooRecent, PinTooRecent, TotpTooRecent, VoiceTooRecent
from domain.timestamps import rfc3339


@attrs.frozen
class Factor:
    """How one kind of factor is refused: its error, its `info.reason`, and what was done to
    it (the start of the refusal's sentence)."""

    error: type[FactorTooRecent]
    reason: str
    created: str


PIN = Factor(PinTooRecent, "pin_too_recent", "your UPI PIN was set or changed")
TOTP = Factor(TotpTooRecent, "totp_too_recent", "your authenticator was turned on")
VOICE = Factor(VoiceTooRecent, "voice_too_recent", "your voice was enrolled")


def settled(since: datetime | None, policy: AuthPolicy, now: datetime) -> bool:
    """Whether a factor created or replaced at `since` (None: before the time was kept) has
    stood for `AuthPolicy.factor_settles_after` by `now` (the injected clock's)."""
    return since is None or now >= since + policy.factor_settles_after


def device_settled(binding: DeviceBinding, policy: AuthPolicy, now: datetime) -> bool:
    """Whether a device has been bound for the settling day: until then it is weighed as a new
    device whatever its trust says, because the password alone may have bound it (a device
    revoked and bound again by voice keeps its first binding's time; the voice that trusted
    it is weighed as a recent security event, `device.trusted`, for the same day; a binding
    without a key that takes one while no voice is enrolled is bound anew, from then:
    `DeviceBinding.bind_anew`)."""
    return settled(binding.created_at, policy, now)


def unsettled(factor: Factor, since: datetime | None, policy: AuthPolicy, now: datetime, *,
              used_for: str, instead: str) -> FactorTooRecent | None:
    """The refusal of a factor created or replaced at `since` (None: before the time was
    kept, so settled), or None once it has settled. `used_for` and `instead` word it: what
    the factor was for, and what the customer can do, ending where the time it settles is
    put."""
    if since is None or settled(since, policy, now):
        return None
    settles = since + policy.factor_settles_after
    hours = int(policy.factor_settles_after.total_seconds() // 3600)
    return factor.error(f"{factor.created} less than {hours} hours ago, so it does not count "
                        f"yet {used_for}: {instead} {rfc3339(settles)}",
                        reason=factor.reason, usable_from=rfc3339(settles))
