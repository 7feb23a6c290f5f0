"""RRULE handling with python-dateutil, limited to the subset the bank documents."""

from __future__ import annotations

from datetime import datetime

from dateutil.rrule import rrulestr

from domain.errors import ValidationError

ALLOWED = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH"}
FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}


class DateutilRecurrence:
    def check(self, rule: str) -> None:
        parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
        if not parts or len(parts) != len(rule.split(";")) or set(parts) - ALLOWED:
            raise ValidationError(f"rrule may use only {', '.join(sorted(ALLOWED))}",
                                  field="rrule")
        if parts.get("FREQ") not in FREQUENCIES:
            raise ValidationError(f"rrule FREQ must be one of {', '.join(sorted(FREQUENCIES))}",
                                  field="rrule")
        if "COUNT" in parts and "UNTIL" in parts:
            raise ValidationError("rrule takes COUNT or UNTIL, not both", field="rrule")
        try:
            rrulestr(rule, dtstart=datetime(2026, 1, 1))
        except (ValueError, TypeError) as error:
            raise ValidationError(f"rrule is not valid: {error}", field="rrule") from None

    def next_after(self, rule: str, start: datetime, after: datetime) -> datetime | None:
        recurrence = rrulestr(rule, dtstart=start)
        following: datetime | None = recurrence.after(after)
        return following
