"""The bank's RRULE subset (RFC 5545), parsed strictly: every part bounded, nothing unknown or
repeated, because a rule is customer input that a batch job later evaluates for everyone."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TypeVar

import attrs

from domain.errors import ValidationError

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_INTERVAL = {"DAILY": 3660, "WEEKLY": 520, "MONTHLY": 120, "YEARLY": 10}  # ten years at most
MAX_COUNT = 1000
MAX_LENGTH = 200  # the stored column's width
T = TypeVar("T")

_NUMBER = re.compile(r"[0-9]{1,6}", re.ASCII)
_SIGNED = re.compile(r"[+-]?[0-9]{1,3}", re.ASCII)
_DAY = re.compile(r"([+-]?[0-9]{1,3})?(MO|TU|WE|TH|FR|SA|SU)", re.ASCII)
_UNTIL = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})(?:T([0-9]{2})([0-9]{2})([0-9]{2})Z)?",
                    re.ASCII)


@attrs.frozen
class RuleParts:
    """A parsed rule; `byday` holds (ordinal or 0 for every, weekday with Monday 0)."""

    freq: str
    interval: int = 1
    count: int | None = None
    until: date | datetime | None = None  # a date, or an instant in UTC
    byday: tuple[tuple[int, int], ...] = ()
    bymonthday: tuple[int, ...] = ()
    bymonth: tuple[int, ...] = ()


def refuse(message: str) -> ValidationError:
    return ValidationError(f"rrule {message}", field="rrule")


def parse_rule(text: str) -> RuleParts:
    """The rule's parts, or a ValidationError (field `rrule`) that names what is wrong."""
    if not 0 < len(text) <= MAX_LENGTH or not text.isascii() or not text.isprintable():
        raise refuse(f"must be 1-{MAX_LENGTH} printable ASCII characters")
    parts: dict[str, str] = {}
    for part in text.upper().split(";"):
        name, equals, value = part.partition("=")
        if not equals or not value:
            raise refuse(f"parts are NAME=VALUE separated by ';', not {part!r}")
        if name not in PARTS:
            raise refuse(f"may use only {', '.join(PARTS)}, not {name!r}")
        if name in parts:
            raise refuse(f"names {name} twice")
        parts[name] = value
    freq = parts.get("FREQ")
    if freq not in FREQUENCIES:
        raise refuse(f"FREQ must be one of {', '.join(FREQUENCIES)}")
    if "COUNT" in parts and "UNTIL" in parts:
        raise refuse("takes COUNT or UNTIL, not both")
    if "BYMONTHDAY" in parts and freq == "WEEKLY":
        raise refuse("BYMONTHDAY cannot be used with FREQ=WEEKLY")
    bymonth = _list(parts, "BYMONTH", lambda v: _number(v, "BYMONTH", 1, 12))
    return RuleParts(
        freq=freq,
        interval=_number(parts.get("INTERVAL", "1"), "INTERVAL", 1, MAX_INTERVAL[freq]),
        count=_number(parts["COUNT"], "COUNT", 1, MAX_COUNT) if "COUNT" in parts else None,
        until=_until(parts["UNTIL"]) if "UNTIL" in parts else None,
        byday=_list(parts, "BYDAY", lambda v: _weekday(v, freq, bool(bymonth))),
        bymonthday=_list(parts, "BYMONTHDAY", _monthday),
        bymonth=bymonth)


def _list(parts: dict[str, str], name: str, item: Callable[[str], T]) -> tuple[T, ...]:
    if name not in parts:
        return ()
    values = [item(v) for v in parts[name].split(",")]
    if len(set(values)) != len(values):
        raise refuse(f"{name} lists a value twice")
    return tuple(values)


def _number(value: str, name: str, low: int, high: int) -> int:
    if not _NUMBER.fullmatch(value) or not low <= int(value) <= high:
        raise refuse(f"{name} must be a whole number from {low} to {high}")
    return int(value)


def _monthday(value: str) -> int:
    if not _SIGNED.fullmatch(value) or not 1 <= abs(int(value)) <= 31:
        raise refuse("BYMONTHDAY values must be 1 to 31 or -31 to -1")
    return int(value)


def _weekday(value: str, freq: str, in_months: bool) -> tuple[int, int]:
    found = _DAY.fullmatch(value)
    if not found:
        raise refuse(f"BYDAY values are a weekday ({','.join(WEEKDAYS)}), optionally after an "
                     f"ordinal such as 1MO or -1FR, not {value!r}")
    ordinal = int(found[1]) if found[1] else 0
    if found[1] and freq in ("DAILY", "WEEKLY"):
        raise refuse(f"BYDAY takes no ordinal with FREQ={freq}")
    most = 5 if freq == "MONTHLY" or in_months else 53
    if found[1] and not 1 <= abs(ordinal) <= most:
        raise refuse(f"BYDAY ordinals must be 1 to {most} or -{most} to -1 here")
    return ordinal, WEEKDAYS.index(found[2])


def _until(value: str) -> date | datetime:
    found = _UNTIL.fullmatch(value)
    try:
        if found and found[4] is None:
            return date(int(found[1]), int(found[2]), int(found[3]))
        if found:
            year, month, day, hour, minute, second = (int(g) for g in found.groups())
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        pass
    raise refuse("UNTIL must be a date YYYYMMDD or a UTC time YYYYMMDDTHHMMSSZ")
