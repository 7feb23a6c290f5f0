"""Column types that keep timestamps timezone-aware UTC on SQLite and PostgreSQL alike, and
read SQLite's text forms of timestamps and UUIDs back at a fraction of Core's cost (a session
row has two UUIDs and four timestamps, read on every authenticated request)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class UtcDateTime(sa.TypeDecorator[datetime]):
    """Stores UTC; SQLite keeps no zone, so naive values read back are UTC by construction."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def bind_processor(self, dialect: Dialect) -> Any:
        # SQLite: one function instead of ours, then Core's dict-and-%-format (a transfer binds
        # a dozen timestamps). The text is Core's own: "YYYY-MM-DD HH:MM:SS.ffffff", in UTC.
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def to_text(value: Any) -> str | None:
            if value is None:
                return None
            if not isinstance(value, datetime) or value.tzinfo is None:
                raise ValueError("timestamps must be timezone-aware")
            if value.tzinfo is UTC:  # the clock's own: drop "+00:00" (cheaper than `replace`)
                return value.isoformat(" ", "microseconds")[:-6]
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        return to_text

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        slow = super().result_processor(dialect, coltype)

        def from_text(value: Any) -> datetime | None:
            if value is None:
                return None
            try:  # our own text, "YYYY-MM-DD HH:MM:SS[.ffffff]": one C call instead of Core's parsing
                return datetime.fromisoformat(value + "+00:00")
            except (TypeError, ValueError):  # any other form SQLite may hold: Core's reading
                return slow(value) if slow is not None else value
        return from_text


class Uuid(sa.Uuid[uuid.UUID]):
    """sa.Uuid; on SQLite (32 hex digits as text) read back without `uuid.UUID`'s re-parsing."""

    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        slow = super().result_processor(dialect, coltype)  # type: ignore[no-untyped-call]
        if dialect.name != "sqlite" or not self.as_uuid or slow is None:
            return slow

        def from_hex(value: Any) -> uuid.UUID | None:
            if isinstance(value, str) and len(value) == 32:
                return _uuid_of_int(int(value, 16))
            return slow(value)  # type: ignore[no-any-return]
        return from_hex


_new, _set, _UUID, _UNKNOWN = object.__new__, object.__setattr__, uuid.UUID, uuid.SafeUUID.unknown


def _uuid_of_int(number: int) -> uuid.UUID:
    """What `uuid.UUID(hex=...)` builds (its two slots, set as its own __init__ sets them),
    without re-parsing and re-checking text we wrote ourselves."""
    made = _new(_UUID)
    _set(made, "int", number)
    _set(made, "is_safe", _UNKNOWN)
    return made


# SQLite makes only an INTEGER PRIMARY KEY an auto-incrementing rowid alias.
BigSerial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
