"""Strict parsing of the text a client sends: query strings, path segments, JSON values.

One place for every bound, so no value reaches a use case that Python or a database cannot
compute with: ASCII digits only (`str.isdigit` is true for '²', which `int` refuses), lengths
capped before any work, and dates between EARLIEST and LATEST, where converting to UTC (±14 h)
or taking the next day cannot overflow `datetime`. Each function raises ValueError with a
message meant for the client (`Refused`); the callers add the field's name.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

# Old enough for a date of birth or "from the beginning", far enough for any reminder, and
# short of year 9999, where the day after or a time zone's offset would overflow.
EARLIEST = date(1900, 1, 1)
LATEST = date(9000, 12, 31)
MAX_SEQUENCE = (1 << 63) - 1  # a BIGINT: ledger and audit sequences, as cursors carry them

_DIGITS = re.compile(r"[0-9]{1,19}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?"
                     r"(Z|[+-][0-9]{2}:[0-9]{2})")
_CURSOR = re.compile(r"[A-Za-z0-9_-]{1,40}")
_CURSOR_TEXT = re.compile(r"v1:([0-9]{1,19})")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_POSITION = re.compile(r"[A-Za-z0-9_-]{1,100}")
_POSITION_TEXT = re.compile(r"t1:([0-9]{1,17}):([0-9a-f]{32})")


class Refused(ValueError):
    """A value outside what these parsers accept; the message says what is accepted."""


def whole_number(text: str, low: int, high: int) -> int:
    """A decimal whole number in ASCII digits between low and high (high < 10**19)."""
    if not _DIGITS.fullmatch(text) or not low <= int(text) <= high:
        raise Refused(f"must be a whole number between {low} and {high}")
    return int(text)


def calendar_date(text: str) -> date:
    """YYYY-MM-DD, between EARLIEST and LATEST."""
    if not _DATE.fullmatch(text):
        raise Refused("must be a date YYYY-MM-DD")
    try:
        return _in_range(date.fromisoformat(text))
    except Refused:
        raise
    except ValueError:  # February 30th
        raise Refused("is not a valid date") from None


def moment(text: str) -> datetime:
    """An RFC 3339 timestamp with its zone (Z or ±hh:mm), its date between EARLIEST and LATEST;
    the zone is kept (a reminder recurs in the customer's local time)."""
    upper = text[:40].upper()  # RFC 3339 allows t and z; 35 characters at most
    if len(text) > 40 or not _MOMENT.fullmatch(upper):
        raise Refused("must be an RFC 3339 timestamp with a time zone, "
                         "e.g. 2026-12-01T09:00:00Z or 2026-12-01T14:30:00+05:30")
    try:
        parsed = datetime.fromisoformat(upper)
    except ValueError:  # month 13, hour 25, an offset of 24 hours
        raise Refused("is not a valid date, time and time zone") from None
    _in_range(parsed.date())
    return parsed


def day_or_moment(text: str, end_of_day: bool) -> datetime:
    """A whole day (its start, or the start of the next for an end) or an RFC 3339 timestamp."""
    if len(text) == 10:
        day = calendar_date(text)
        return datetime.combine(day + timedelta(days=1) if end_of_day else day, time.min, UTC)
    return moment(text)


def cursor(text: str) -> int:
    """A page cursor this API issued: base64url of "v1:<sequence>", the sequence a BIGINT."""
    if _CURSOR.fullmatch(text):
        try:
            found = _CURSOR_TEXT.fullmatch(
                base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii"))
        except (binascii.Error, ValueError):
            found = None
        if found is not None and int(found[1]) <= MAX_SEQUENCE:
            return int(found[1])
    raise Refused("is not a cursor this API issued")


def position(text: str) -> tuple[int, UUID]:
    """A page cursor this API issued for a list in time order: base64url of
    "t1:<microseconds since the epoch>:<the last item's id as 32 hex digits>"."""
    if _POSITION.fullmatch(text):
        try:
            found = _POSITION_TEXT.fullmatch(
                base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii"))
        except (binascii.Error, ValueError):
            found = None
        if found is not None:
            return int(found[1]), UUID(hex=found[2])
    raise Refused("is not a cursor this API issued")


def encode_position(moment: datetime, item_id: UUID) -> str:
    """The cursor after an item of a list in time order (see `position`)."""
    delta = moment - _EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return base64.urlsafe_b64encode(f"t1:{micros}:{item_id.hex}".encode()).decode().rstrip("=")


def moment_of(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def _in_range(day: date) -> date:
    if not EARLIEST <= day <= LATEST:
        raise Refused(f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return day
