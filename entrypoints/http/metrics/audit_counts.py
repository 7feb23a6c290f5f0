"""The banking series, read off the audit records the use cases seal (adapters/metrics/
audit_taps.py): the application layer records its decisions once, for the trail, and says
nothing to a metrics library."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from domain.audit import AuditEvent, Outcome
from entrypoints.http.metrics import series

# An action's last word, after "money.<kind>", names the decision; none: it was posted.
_DECISIONS = frozenset({"held", "blocked", "released", "voided"})
_LOCKS = {"auth.lockout": "login", "upi.pin.blocked": "upi_pin", "voice.disabled": "voice"}


def count(events: Sequence[AuditEvent]) -> None:
    """Count one transaction's sealed records into the series."""
    for event in events:
        details = event.details
        for child in _series_of(event.action, event.outcome, details.get("method"),
                                details.get("reason")):
            child.inc()


@lru_cache(maxsize=4096)
def _series_of(action: str, outcome: str, method: str | None,
               reason: str | None) -> tuple[Any, ...]:
    """The labelled series one kind of record counts in, worked out once per kind: actions,
    methods and reasons are the use cases' own words, a set the code fixes."""
    found = [series.AUDIT_EVENTS.labels(action, outcome)]
    parts = action.split(".")
    if parts[0] == "money" and len(parts) == 2:
        found.append(series.TRANSFERS.labels(parts[1], "posted"))
    elif parts[0] == "money" and len(parts) == 3 and parts[2] in _DECISIONS:
        found.append(series.TRANSFERS.labels(parts[1], parts[2]))
    elif parts[:2] == ["auth", "login"] and outcome != Outcome.SUCCESS:
        # "password", "voice", "totp"...; a refusal while locked names no method.
        found.append(series.LOGIN_FAILURES.labels(
            method or (parts[2] if len(parts) > 2 else "password"), outcome))
    elif parts[:2] == ["voice", "verify"] and len(parts) == 3:
        found.append(series.VOICE_DECISIONS.labels(parts[2], reason or "unknown"))
    if action in _LOCKS:
        found.append(series.LOCKOUTS.labels(_LOCKS[action]))
    return tuple(found)
