"""Occurrences of a rule in the bank's RRULE subset, found month by month within a horizon, so
that no rule (even one stored before rules were checked strictly) can make a search spin."""

from __future__ import annotations

from calendar import isleap, monthrange
from datetime import MAXYEAR, UTC, date, datetime, tzinfo

import attrs

from adapters.system.rrule_subset import RuleParts, parse_rule, refuse
from domain.errors import ValidationError

HORIZON_MONTHS = 1200  # a hundred years: a reminder further apart than that is not a reminder
_END = datetime.max.replace(tzinfo=UTC)


class Scan:
    """The occurrences of `rule` counted from `start` (RFC 5545's DTSTART, with python-dateutil's
    defaults for the parts a rule leaves out); `steps` counts the months examined, never more than
    `horizon` a search, and each month examines at most its own days."""

    def __init__(self, rule: RuleParts, start: datetime, horizon: int = HORIZON_MONTHS) -> None:
        self._rule = _with_defaults(rule, start)
        self._start = start
        self._horizon = horizon
        self.steps = 0

    def next_after(self, after: datetime | None) -> datetime | None:
        """The first occurrence later than `after` (with None: the first one at all); None once
        COUNT or UNTIL has ended the rule; a ValidationError when none lies within the horizon."""
        rule, start = self._rule, self._start
        seen = 0
        start_counted = False
        first = start if after is None or rule.count else max(start, after)
        first = first.astimezone(start.tzinfo) if start.tzinfo else first
        year, month = first.year, first.month
        for _ in range(self._horizon):
            self.steps += 1
            if self._ended_before(date(year, month, 1)):
                return None
            for day in self._days(year, month):
                occurrence = datetime.combine(day, start.timetz())
                if occurrence < start:
                    continue
                if self._ended_before(occurrence):
                    return None
                if rule.count and not start_counted:
                    start_counted = True
                    if occurrence != start:  # RFC 5545: DTSTART always counts as the first
                        seen += 1
                        if seen == rule.count:
                            return None
                if after is None or occurrence > after:
                    return occurrence
                seen += 1
                if seen == rule.count:  # the last one
                    return None
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            if year > MAXYEAR:
                return None
        raise refuse(f"has no occurrence within {self._horizon // 12} years")

    def _ended_before(self, moment: date | datetime) -> bool:
        until = self._rule.until
        if until is None:
            return False
        if isinstance(moment, datetime) and isinstance(until, datetime):
            return moment > until
        if isinstance(until, datetime):
            until = until.astimezone(self._start.tzinfo).date()
        return (moment.date() if isinstance(moment, datetime) else moment) > until

    def _days(self, year: int, month: int) -> list[date]:
        rule, start = self._rule, self._start
        if rule.bymonth and month not in rule.bymonth:
            return []
        if rule.freq == "YEARLY" and (year - start.year) % rule.interval:
            return []
        if rule.freq == "MONTHLY" and ((year - start.year) * 12 + month - start.month) \
                % rule.interval:
            return []
        last = monthrange(year, month)[1]
        days = sorted({d if d > 0 else last + 1 + d for d in rule.bymonthday}
                      & set(range(1, last + 1))) if rule.bymonthday else range(1, last + 1)
        return [date(year, month, d) for d in days if self._keeps(date(year, month, d), last)]

    def _keeps(self, day: date, last: int) -> bool:
        rule, start = self._rule, self._start.date()
        if rule.freq == "DAILY" and (day - start).days % rule.interval:
            return False
        if rule.freq == "WEEKLY" and ((day.toordinal() - day.weekday())
                                      - (start.toordinal() - start.weekday())) // 7 \
                % rule.interval:
            return False
        return not rule.byday or any(
            weekday == day.weekday() and (not ordinal or self._is_nth(day, last, ordinal))
            for ordinal, weekday in rule.byday)

    def _is_nth(self, day: date, last: int, ordinal: int) -> bool:
        if self._rule.freq == "MONTHLY" or self._rule.bymonth:  # counted within the month
            index, length = day.day, last
        else:  # counted within the year
            index, length = day.timetuple().tm_yday, 366 if isleap(day.year) else 365
        if ordinal > 0:
            return (index - 1) // 7 + 1 == ordinal
        return (length - index) // 7 + 1 == -ordinal


def _with_defaults(rule: RuleParts, start: datetime) -> RuleParts:
    """What a rule without BYDAY or BYMONTHDAY means: the start's weekday, day or date."""
    if rule.byday or rule.bymonthday or rule.freq == "DAILY":
        return rule
    if rule.freq == "WEEKLY":
        return attrs.evolve(rule, byday=((0, start.weekday()),))
    if rule.freq == "MONTHLY":
        return attrs.evolve(rule, bymonthday=(start.day,))
    return attrs.evolve(rule, bymonthday=(start.day,), bymonth=rule.bymonth or (start.month,))


class BoundedRecurrence:
    """The Recurrence port: strict parsing, then a scan that is bounded whatever the rule.
    With a `zone` (the bank's), days, weekdays and months are those of that zone whatever
    offset a moment carries: a database that keeps moments in UTC then finds the same
    occurrences as one that keeps the customer's offset. Without one, the start's own."""

    def __init__(self, horizon_months: int = HORIZON_MONTHS, zone: tzinfo | None = None) -> None:
        self._horizon = horizon_months
        self._zone = zone

    def check(self, rule: str, start: datetime) -> None:
        """Also that a COUNT's occurrences all lie within the horizon (which runs from `start`
        for a counted rule), so that a counted rule accepted now is never suspended for it."""
        if self._next(rule, start, None) is None:
            raise refuse("has no occurrence on or after due_at")
        parts = parse_rule(rule)
        if parts.count:
            try:
                Scan(parts, start, self._horizon).next_after(_END)
            except ValidationError:
                raise refuse(f"COUNT={parts.count} occurrences span more than "
                             f"{self._horizon // 12} years") from None

    def next_after(self, rule: str, start: datetime, after: datetime) -> datetime | None:
        return self._next(rule, start, after)

    def _next(self, rule: str, start: datetime, after: datetime | None) -> datetime | None:
        if self._zone is not None:
            start = start.astimezone(self._zone)
        try:
            return Scan(parse_rule(rule), start, self._horizon).next_after(after)
        except OverflowError:  # an occurrence past the calendar's last day
            return None
