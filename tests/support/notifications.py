"""What the log notifier (adapters/system/notifiers.py) said, read back from its log lines: how a
test learns the code a customer would find in their mail or SMS."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

LOGGER = "vaani.notifications"


def messages(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER]


def to_address(caplog: pytest.LogCaptureFixture, address: str) -> list[dict[str, Any]]:
    return [m for m in messages(caplog) if m.get("address") == address]


def code_sent_to(caplog: pytest.LogCaptureFixture, address: str) -> str:
    """The newest six-digit code sent to `address`."""
    for message in reversed(to_address(caplog, address)):
        found = re.search(r"\b([0-9]{6})\b", message.get("secret", ""))
        if found:
            return found.group(1)
    raise AssertionError(f"no code was sent to {address}")
