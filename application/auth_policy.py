"""The knobs of authentication, set once from configuration."""

from __future__ import annotations

from datetime import timedelta

import attrs

from domain.customer import PinPolicy
from domain.login_attempts import LockoutPolicy


@attrs.frozen
class AuthPolicy:
    lockout: LockoutPolicy = attrs.Factory(LockoutPolicy)
    pin: PinPolicy = attrs.Factory(PinPolicy)
    # A session ends after this long whatever happens (re-login with the password).
    session_lifetime: timedelta = timedelta(hours=12)
    # A refresh token unused for this long is dead (the app was left alone).
    refresh_idle: timedelta = timedelta(minutes=30)
    # RFC 9700 benign retry: the previous refresh token still works this long after rotation.
    refresh_grace: timedelta = timedelta(seconds=5)
    # Changing the UPI PIN without the password needs a login at most this old (counted from
    # the session's login, which a token refresh never moves).
    fresh_login: timedelta = timedelta(minutes=5)
    rate_window: timedelta = timedelta(minutes=1)
    auth_requests_per_ip: int = 30
    logins_per_customer: int = 10

    @property
    def factor_settles_after(self) -> timedelta:
        """How long a new second factor (a UPI PIN, an authenticator, a voice) is only the
        password's word, which alone can create it: one rule for every factor, kept where the
        PIN's policy has always kept it (`PinPolicy.settles_after`)."""
        return self.pin.settles_after
