"""The settings of webhooks (docs/webhooks.md), read from VAANI_*."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from application.webhook_policy import WebhookPolicy
from domain.webhook import RetryPolicy
from entrypoints.setting_values import ConfigurationError, whole_number


def event_settings(env: Mapping[str, str], demo: bool) -> dict[str, Any]:
    """The Settings field of webhook delivery.

    VAANI_WEBHOOK_ALLOW_HTTP=1 lets staff register plain-http endpoints (a demo allows them
    unless it is 0): money events leave the bank over TLS only. VAANI_WEBHOOK_PRIVATE_NETWORKS=1
    lets endpoints resolve to loopback or private addresses (a demo too, unless 0). VAANI_WEBHOOK_MAX_ATTEMPTS
    tries before a delivery is dead; VAANI_WEBHOOK_FIRST_RETRY_SECONDS and
    VAANI_WEBHOOK_MAX_RETRY_SECONDS space them; VAANI_WEBHOOK_TIMEOUT_SECONDS bounds one try
    and VAANI_WEBHOOK_LEASE_SECONDS (twice it at least) how long a dispatcher holds a delivery it sends;
    VAANI_WEBHOOK_SECRET_OVERLAP_HOURS is how long a rotated-out secret still signs."""
    allow = env.get("VAANI_WEBHOOK_ALLOW_HTTP", "").lower()
    if allow not in ("", "0", "1", "true", "false", "yes", "no"):
        raise ConfigurationError("VAANI_WEBHOOK_ALLOW_HTTP must be 1 or 0")
    private = env.get("VAANI_WEBHOOK_PRIVATE_NETWORKS", "").lower()
    if private not in ("", "0", "1", "true", "false", "yes", "no"):
        raise ConfigurationError("VAANI_WEBHOOK_PRIVATE_NETWORKS must be 1 or 0")
    first = whole_number(env, "VAANI_WEBHOOK_FIRST_RETRY_SECONDS", 10, 1, 3600)
    most = whole_number(env, "VAANI_WEBHOOK_MAX_RETRY_SECONDS", 3600, 1, 24 * 3600)
    if most < first:
        raise ConfigurationError("VAANI_WEBHOOK_MAX_RETRY_SECONDS must be at least "
                                 "VAANI_WEBHOOK_FIRST_RETRY_SECONDS")
    timeout = whole_number(env, "VAANI_WEBHOOK_TIMEOUT_SECONDS", 10, 1, 60)
    lease = whole_number(env, "VAANI_WEBHOOK_LEASE_SECONDS", 60, 2, 3600)
    if lease < 2 * timeout:
        raise ConfigurationError("VAANI_WEBHOOK_LEASE_SECONDS must be at least twice "
                                 "VAANI_WEBHOOK_TIMEOUT_SECONDS (a try must end within its "
                                 "lease, or another dispatcher sends the same message at once)")
    return {"webhook_policy": WebhookPolicy(
        retry=RetryPolicy(
            max_attempts=whole_number(env, "VAANI_WEBHOOK_MAX_ATTEMPTS", 8, 1, 50),
            first_delay=timedelta(seconds=first), max_delay=timedelta(seconds=most),
            timeout=timedelta(seconds=timeout), lease=timedelta(seconds=lease)),
        allow_http=allow in ("1", "true", "yes") or (demo and allow == ""),
        private_networks=private in ("1", "true", "yes") or (demo and private == ""),
        overlap=timedelta(hours=whole_number(env, "VAANI_WEBHOOK_SECRET_OVERLAP_HOURS", 24, 0,
                                             24 * 30)))}
