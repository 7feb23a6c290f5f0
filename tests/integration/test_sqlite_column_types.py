"""SQLite's column types as the prepared statements write and read them: exactly as SQLAlchemy
Core writes and reads them, for every timestamp and UUID."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from uuid import UUID

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from adapters.sql.types import UtcDateTime, Uuid


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                    timezones=st.timezones()))
def test_sqlite_timestamps_are_written_as_core_writes_them(moment: datetime) -> None:
    # UtcDateTime's own SQLite bind processor replaces Core's; comparisons and ORDER BY on the
    # stored text need the very same text, and timestamps an older release wrote must compare.
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    ours = UtcDateTime().bind_processor(dialect)
    cores = sa.DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert ours is not None and cores is not None
    assert ours(moment) == cores(moment.astimezone(UTC).replace(tzinfo=None))
    assert ours(None) is None
    with pytest.raises(ValueError, match="timezone-aware"):
        ours(moment.replace(tzinfo=None))


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                    timezones=st.timezones()))
def test_sqlite_timestamps_read_back_as_core_reads_them(moment: datetime) -> None:
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    ours = UtcDateTime().dialect_impl(dialect).result_processor(dialect, None)
    cores = sa.DateTime().dialect_impl(dialect).result_processor(dialect, None)
    written = UtcDateTime().bind_processor(dialect)
    assert ours is not None and cores is not None and written is not None
    for text in (written(moment), written(moment)[:19], written(moment).replace(" ", "T")):
        read = ours(text)
        assert read == cores(text).replace(tzinfo=UTC) and read.tzinfo is UTC
    assert ours(written(moment)) == moment.astimezone(UTC)
    assert ours(None) is None


def test_sqlite_timestamps_in_another_form_are_read_as_core_reads_them() -> None:
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    ours = UtcDateTime().dialect_impl(dialect).result_processor(dialect, None)
    cores = sa.DateTime().dialect_impl(dialect).result_processor(dialect, None)
    assert ours is not None and cores is not None
    text = "2026-11-22 09:30:15.123456+05:30"  # not ours: Core's reading, in UTC, as before
    assert ours(text) == cores(text).astimezone(UTC) == datetime(2026, 11, 22, 4, 0, 15, 123456,
                                                                  tzinfo=UTC)
    with pytest.raises(ValueError):
        ours("yesterday")


@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_sqlite_uuids_read_back_as_the_same_uuids(number: int) -> None:
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    ours = Uuid().dialect_impl(dialect).result_processor(dialect, None)
    written = Uuid().dialect_impl(dialect).bind_processor(dialect)
    assert ours is not None and written is not None
    original = UUID(int=number)
    read = ours(written(original))
    assert type(read) is UUID and read == original and hash(read) == hash(original)
    assert str(read) == str(original) and repr(read) == repr(original)
    assert read.is_safe == original.is_safe and read.version == original.version
    assert pickle.loads(pickle.dumps(read)) == original
    assert ours(str(original)) == original  # another text form: uuid.UUID reads it
    assert ours(None) is None
