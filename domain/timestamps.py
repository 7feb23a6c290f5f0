"""Timestamps as the API writes them: RFC 3339, UTC, with a Z."""

from __future__ import annotations

from datetime import UTC, datetime


def rfc3339(moment: datetime) -> str:
    """Second precision unless there are microseconds."""
    if moment.tzinfo is not UTC:  # the database's and the clock's own are UTC already
        moment = moment.astimezone(UTC)
    text = moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")
    return text.replace("+00:00", "Z")
