"""The RRULE subset: strict bounds on every part, a search bounded in months whatever the rule,
and the same occurrences as python-dateutil (the engine used before) for rules both accept."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from dateutil.rrule import rrulestr

from adapters.system.recurrence import HORIZON_MONTHS, BoundedRecurrence, Scan
from adapters.system.rrule_subset import RuleParts, parse_rule
from domain.errors import ValidationError

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("rule", [
    "", "FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;INTERVAL=-1", "FREQ=DAILY;INTERVAL=+1",
    "FREQ=DAILY;INTERVAL=" + "9" * 30, "FREQ=DAILY;INTERVAL=3661", "FREQ=WEEKLY;INTERVAL=521",
    "FREQ=MONTHLY;INTERVAL=121", "FREQ=YEARLY;INTERVAL=11", "FREQ=DAILY;COUNT=0",
    "FREQ=DAILY;COUNT=1001", "FREQ=MONTHLY;BYDAY=+999MO", "FREQ=MONTHLY;BYDAY=6MO",
    "FREQ=MONTHLY;BYDAY=0MO", "FREQ=YEARLY;BYMONTH=1;BYDAY=-6FR", "FREQ=YEARLY;BYDAY=54MO",
    "FREQ=WEEKLY;BYDAY=1MO", "FREQ=DAILY;BYDAY=XX", "FREQ=YEARLY;BYMONTHDAY=0",
    "FREQ=MONTHLY;BYMONTHDAY=32", "FREQ=MONTHLY;BYMONTHDAY=-32", "FREQ=WEEKLY;BYMONTHDAY=1",
    "FREQ=YEARLY;BYMONTH=0", "FREQ=YEARLY;BYMONTH=13", "FREQ=YEARLY;BYMONTH=1,1",
    "FREQ=DAILY;FREQ=DAILY", "FREQ=DAILY;BYSETPOS=1", "FREQ=HOURLY", "INTERVAL=2",
    "FREQ=DAILY;", "FREQ=DAILY;COUNT=2;UNTIL=20270101", "FREQ=DAILY;UNTIL=20270230",
    "FREQ=DAILY;UNTIL=20270101T000000", "FREQ=DAILY;INTERVAL=\u0663", "RRULE:FREQ=DAILY",
    "FREQ=DAILY;BYDAY=MO,", "FREQ=DAILY;BYMONTHDAY=" + ",".join(map(str, range(1, 60))),
])
def test_a_rule_outside_the_subset_or_its_bounds_is_refused(rule: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_rule(rule)
    assert refused.value.info == {"field": "rrule"} and refused.value.message.startswith("rrule ")


def test_the_parts_are_read_exactly() -> None:
    assert parse_rule("freq=monthly;interval=2;byday=-1fr,2MO;bymonth=1,12;until=20271231") == \
        RuleParts("MONTHLY", 2, until=date(2027, 12, 31), byday=((-1, 4), (2, 0)),
                  bymonth=(1, 12))
    assert parse_rule("FREQ=YEARLY;BYDAY=+53MO;COUNT=1000").byday == ((53, 0),)
    assert parse_rule("FREQ=DAILY;UNTIL=20271231T235959Z").until == \
        datetime(2027, 12, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("rule", ["FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30,31",
                                  "FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=5MO",
                                  "FREQ=YEARLY;BYMONTH=4,6,9,11;BYMONTHDAY=31"])
def test_a_rule_without_occurrence_stops_at_the_horizon(rule: str) -> None:
    scan = Scan(parse_rule(rule), START)
    with pytest.raises(ValidationError, match="no occurrence within 100 years"):
        scan.next_after(START)
    assert scan.steps == HORIZON_MONTHS  # months examined, each at most its own days
    small = Scan(parse_rule(rule), START, horizon=24)
    with pytest.raises(ValidationError):
        small.next_after(None)
    assert small.steps == 24
    with pytest.raises(ValidationError, match="no occurrence"):
        BoundedRecurrence().check(rule, START)


def test_an_ended_rule_answers_none_without_searching_the_horizon() -> None:
    until = Scan(parse_rule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;UNTIL=20270101"), START)
    assert until.next_after(START) is None and until.steps == 14  # to Feb 2027
    count = Scan(parse_rule("FREQ=MONTHLY;COUNT=3"), START)
    assert count.next_after(datetime(2026, 3, 1, 9, tzinfo=UTC)) is None and count.steps <= 4
    with pytest.raises(ValidationError, match="no occurrence on or after due_at"):
        BoundedRecurrence().check("FREQ=DAILY;UNTIL=20251231", START)


def test_a_count_must_fit_in_the_horizon() -> None:
    BoundedRecurrence().check("FREQ=YEARLY;COUNT=100", START)
    BoundedRecurrence().check("FREQ=MONTHLY;COUNT=1000", START)
    for rule in ("FREQ=YEARLY;COUNT=101", "FREQ=YEARLY;INTERVAL=2;COUNT=51",
                 "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=30"):
        with pytest.raises(ValidationError, match="occurrences span more than 100 years"):
            BoundedRecurrence().check(rule, START)


def test_a_leap_day_and_the_last_friday_are_found() -> None:
    recurrence = BoundedRecurrence()
    assert recurrence.next_after("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", START, START) == \
        datetime(2028, 2, 29, 9, tzinfo=UTC)
    assert recurrence.next_after("FREQ=MONTHLY;BYDAY=-1FR", START, START) == \
        datetime(2026, 1, 30, 9, tzinfo=UTC)
    assert recurrence.next_after("FREQ=DAILY;UNTIL=20260102", START, START) == \
        datetime(2026, 1, 2, 9, tzinfo=UTC)


def _random_rule(rng: random.Random) -> str:
    freq = rng.choice(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"])
    parts = [f"FREQ={freq}"]
    if rng.random() < 0.5:
        parts.append(f"INTERVAL={rng.randint(1, {'DAILY': 40, 'WEEKLY': 10}.get(freq, 3))}")
    if in_months := rng.random() < 0.3:
        parts.append("BYMONTH=" + ",".join(map(str, rng.sample(range(1, 13), rng.randint(1, 3)))))
    if freq != "WEEKLY" and rng.random() < 0.4:
        days = [d for d in range(-31, 32) if d]
        parts.append("BYMONTHDAY=" + ",".join(map(str, rng.sample(days, rng.randint(1, 3)))))
    if rng.random() < 0.5:
        # Ordinal and plain weekdays are not mixed: python-dateutil intersects them where RFC
        # 5545 (and this engine) takes their union.
        most = 5 if freq == "MONTHLY" or in_months else 53
        nth = freq in ("MONTHLY", "YEARLY") and rng.random() < 0.5
        parts.append("BYDAY=" + ",".join(
            (f"{rng.choice([1, -1]) * rng.randint(1, most)}{d}" if nth else d)
            for d in rng.sample(["MO", "TU", "WE", "TH", "FR", "SA", "SU"], rng.randint(1, 3))))
    if (ending := rng.random()) < 0.3:
        parts.append(f"COUNT={rng.randint(1, 8)}")
    elif ending < 0.5:
        until = START + timedelta(days=rng.randint(0, 3000))
        parts.append(f"UNTIL={until:%Y%m%dT%H%M%SZ}")
    return ";".join(parts)


def test_the_occurrences_are_python_dateutils() -> None:
    rng = random.Random(30)
    compared = 0
    for _ in range(300):
        rule = _random_rule(rng)
        zone = rng.choice([UTC, timezone(timedelta(hours=5, minutes=30))])
        start = (START + timedelta(days=rng.randint(0, 800), minutes=rng.randint(0, 2000))) \
            .astimezone(zone)
        scan, after = Scan(parse_rule(rule), start), None
        ours: list[datetime] = []
        try:
            while len(ours) < 6 and (after := scan.next_after(after)) is not None:
                ours.append(after)
        except ValidationError:
            continue  # none within the horizon: python-dateutil would search to year 9999
        theirs = rrulestr(rule, dtstart=start)
        expected = list(theirs.xafter(start, count=len(ours) + 1, inc=True))
        if "COUNT=" in rule and expected and expected[0] != start:
            # RFC 5545 counts DTSTART as the first occurrence even when the rule would not
            # produce it; python-dateutil does not, and gives one occurrence more.
            expected = expected[:int(rule.split("COUNT=")[1].split(";")[0]) - 1]
        assert ours == expected[:6], rule
        compared += 1
    assert compared > 250


def test_a_start_out_of_step_with_its_rule_counts_as_the_first_occurrence() -> None:
    """RFC 5545: DTSTART always counts. A reminder due on the 7th for COUNT=2 on the 15th is
    delivered twice (the 7th, then the 15th), not three times (review of issue #30)."""
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    scan = Scan(parse_rule("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=2"), start)
    assert scan.next_after(start) == datetime(2026, 12, 15, 9, 0, tzinfo=UTC)
    assert scan.next_after(datetime(2026, 12, 15, 9, 0, tzinfo=UTC)) is None
