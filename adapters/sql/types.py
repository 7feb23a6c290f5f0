"""Column types that keep timestamps timezone-aware UTC on SQLite and PostgreSQL alike."""

from __future__ import annotations

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
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        return to_text


# SQLite makes only an INTEGER PRIMARY KEY an auto-incrementing rowid alias.
BigSerial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
