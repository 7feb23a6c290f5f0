"""SQLite keeps timestamps as UTC text; the clock's own UTC values take a shorter path than
other zones' values, and both must write the same text for the same moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import sqlite

from adapters.sql.types import UtcDateTime

TO_TEXT = UtcDateTime().bind_processor(sqlite.dialect())


@pytest.mark.parametrize("moment", [
    datetime(2026, 12, 5, 8, 33, 23, 358684, tzinfo=UTC),
    datetime(2026, 1, 1, tzinfo=UTC),  # no microseconds: still six digits
    datetime(1, 1, 1, tzinfo=UTC),
])
def test_a_utc_moment_and_the_same_moment_elsewhere_are_one_text(moment: datetime) -> None:
    assert TO_TEXT is not None
    india = moment.astimezone(timezone(timedelta(hours=5, minutes=30)))
    expected = moment.replace(tzinfo=None).isoformat(" ", "microseconds")
    assert TO_TEXT(moment) == expected
    assert TO_TEXT(india) == expected


def test_a_naive_timestamp_is_refused() -> None:
    assert TO_TEXT is not None
    with pytest.raises(ValueError, match="timezone-aware"):
        TO_TEXT(datetime(2026, 12, 5, 8, 0))
