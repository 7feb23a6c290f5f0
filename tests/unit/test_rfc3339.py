"""Timestamps as the API writes them: UTC with a Z, whatever zone a value arrives in."""

from datetime import UTC, datetime, timedelta, timezone

from domain.timestamps import rfc3339


def test_a_utc_value_is_written_with_a_z_and_seconds_unless_it_has_microseconds() -> None:
    assert rfc3339(datetime(2026, 12, 7, 9, 5, 3, tzinfo=UTC)) == "2026-12-07T09:05:03Z"
    assert rfc3339(datetime(2026, 12, 7, 9, 5, 3, 120, tzinfo=UTC)) == "2026-12-07T09:05:03.000120Z"


def test_a_value_in_another_zone_is_written_as_the_same_moment_in_utc() -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    assert rfc3339(datetime(2026, 12, 7, 14, 35, 3, tzinfo=india)) == "2026-12-07T09:05:03Z"
    assert rfc3339(datetime(2026, 12, 7, 9, 5, 3, tzinfo=timezone(timedelta(0)))) \
        == "2026-12-07T09:05:03Z"
