"""Who hears of audit events as a unit of work seals them into the trail, just before its
commit: the use cases already record every decision there (a transfer posted or held, a failed
login, a lockout, a voice decision), so counting them needs no call in the application layer.

The taps are the process's own: a unit of work's audit repository is made on first use from a
connection alone, with no way to hand it one, and a process serves one bank."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from domain.audit import AuditEvent

log = logging.getLogger(__name__)

AuditTap = Callable[[Sequence[AuditEvent]], None]
_taps: list[AuditTap] = []


def listen(tap: AuditTap) -> None:
    """From now on `tap` hears every sealed batch (once, however often it is added)."""
    if tap not in _taps:
        _taps.append(tap)


def sealed(events: Sequence[AuditEvent]) -> None:
    """Called with a transaction's events as they are sealed, before its COMMIT: a tap that
    fails is logged and never fails the transaction (it would refuse a payment over a count).
    A COMMIT that fails after this (the database lost mid-commit) was counted all the same."""
    for tap in _taps:
        try:
            tap(events)
        except Exception:
            log.exception("an audit tap failed; the transaction goes on")
