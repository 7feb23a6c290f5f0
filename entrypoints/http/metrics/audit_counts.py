"""The banking series, read off the audit records the use cases seal (adapters/metrics/
audit_taps.py): the application layer records its decisions once, for the trail, and says
nothing to a metrics library."""

from __future__ import annotations

from collections.abc import Sequence

from domain.audit import AuditEvent, Outcome
from entrypoints.http.metrics import series

# An action's last word, after "money.<kind>", names the decision; none: it was posted.
_DECISIONS = {"held": "held", "blocked": "blocked", "released": "released",
              "voided": "voided"}
_LOCKS = {"auth.lockout": "login", "upi.pin.blocked": "upi_pin", "voice.disabled": "voice"}


def count(events: Sequence[AuditEvent]) -> None:
    """Count one transaction's sealed records into the series."""
    for event in events:
        action = event.action
        series.AUDIT_EVENTS.labels(action, event.outcome).inc()
        if action.startswith("money."):
            _money(action)
        elif action == "auth.login" or action.startswith("auth.login."):
            if event.outcome != Outcome.SUCCESS:
                # "password", "voice", "totp"...; a refusal while locked names no method.
                method = event.details.get("method") or (
                    action.removeprefix("auth.login.") if action != "auth.login" else "password")
                series.LOGIN_FAILURES.labels(method, event.outcome).inc()
        elif action.startswith("voice.verify."):
            series.VOICE_DECISIONS.labels(action.removeprefix("voice.verify."),
                                          event.details.get("reason", "unknown")).inc()
        if action in _LOCKS:
            series.LOCKOUTS.labels(_LOCKS[action]).inc()


def _money(action: str) -> None:
    parts = action.split(".")
    if len(parts) == 2:
        series.TRANSFERS.labels(parts[1], "posted").inc()
    elif len(parts) == 3 and parts[2] in _DECISIONS:
        series.TRANSFERS.labels(parts[1], _DECISIONS[parts[2]]).inc()
