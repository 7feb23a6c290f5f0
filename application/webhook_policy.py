"""How the bank delivers webhooks: chosen in configuration (entrypoints/settings.py)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

import attrs

from domain.webhook import RetryPolicy


@attrs.frozen
class WebhookPolicy:
    """`allow_http`: endpoints may be plain http (development and tests on loopback; a bank
    sends money events over TLS only). `private_networks`: endpoints may resolve to loopback,
    private, link-local or other non-public addresses (else a try to one fails, so a webhook
    cannot be aimed at the bank's own network). `overlap`: how long a rotated-out secret still
    signs.
    `jitter`: a number in [0, 1) per retry (random in service; fixed under test)."""

    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    allow_http: bool = False
    private_networks: bool = False
    overlap: timedelta = timedelta(hours=24)
    fan_out_batch: int = 500
    jitter: Callable[[], float] = random.random
