"""INSERT ... ON CONFLICT DO UPDATE, one statement atomic in both databases, spelled through
the dialect's own `insert` (Core's generic one has no ON CONFLICT)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def dialect_insert(conn: Connection) -> Callable[..., Any]:
    """Both dialects spell an upsert the same way: INSERT ... ON CONFLICT DO UPDATE."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
