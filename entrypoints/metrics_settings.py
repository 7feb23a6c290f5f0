"""Who may read `/metrics` (docs/metrics.md), read from VAANI_METRICS and VAANI_METRICS_TOKEN."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from entrypoints.setting_values import ConfigurationError

MODES = ("off", "token", "open")


@attrs.frozen
class MetricsAccess:
    """`off`: no `/metrics` at all (the default: nothing leaks to whoever reaches the port);
    `token`: `/metrics` answers a bearer `token` only; `open`: anyone who reaches the port,
    for a port only the scraper reaches (a private network, a sidecar)."""

    mode: str = "off"
    token: str = attrs.field(default="", repr=False)

    @property
    def served(self) -> bool:
        return self.mode != "off"


def metrics_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The Settings field of `/metrics`. A token is 32 bytes at least, as VAANI_JWT_SECRET is:
    the series name customers' activity, logins that fail, money held."""
    mode = (env.get("VAANI_METRICS") or "off").strip().lower()
    if mode not in MODES:
        raise ConfigurationError(f"VAANI_METRICS must be one of {', '.join(MODES)}, got {mode!r}")
    token = env.get("VAANI_METRICS_TOKEN", "")
    if mode == "token" and len(token.encode()) < 32:
        raise ConfigurationError(
            "VAANI_METRICS=token needs VAANI_METRICS_TOKEN, 32 bytes at least (e.g. `python -c "
            "'import secrets; print(secrets.token_urlsafe(32))'`); the scraper sends it as "
            "`Authorization: Bearer <token>`")
    if mode != "token" and token:
        raise ConfigurationError("VAANI_METRICS_TOKEN is set but VAANI_METRICS is not `token`: "
                                 "set VAANI_METRICS=token, or unset the token")
    return {"metrics": MetricsAccess(mode, token if mode == "token" else "")}
