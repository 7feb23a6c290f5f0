"""What a database needs around a SQL unit of work's writes, beyond BEGIN and COMMIT."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.engine import Connection


class NothingWritten(Exception):
    """A refusal before anything was written, which leaves the connection as good as before
    (sqlite/would_wait.py)."""


class WriteGuard(Protocol):
    """What a database needs around a write transaction (SQLite: sqlite/write_guard.py)."""

    def enter(self) -> None: ...  # before the connection is taken
    def opened(self, conn: Connection) -> None: ...
    def committing(self) -> None: ...  # last chance to refuse the commit
    def committed(self) -> None: ...
    def leave(self) -> None: ...  # after the connection is given back, whatever happened
