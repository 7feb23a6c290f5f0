"""The SQLite file this process serves, and proof that it is still the one at its path.

A database file moved, deleted or replaced while the server runs stays open in every connection
made before: their writes go on into the moved file, or into a deleted one that nothing will
ever read again, and a connection opened afterwards would create an empty file in its place.
So the file's identity (device and inode) is recorded when the engine first opens it, and
checked before any connection is opened (which then never creates the file), on `/ready`, and
before every write transaction commits (one `stat`); once the path holds another file or none,
writes and new connections are refused as `database_unavailable`."""

from __future__ import annotations

import os
import sqlite3
from typing import Any
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import Engine


class DatabaseFileGone(sqlite3.OperationalError):
    """The database file was moved, deleted or replaced after this process opened it. A
    `sqlite3.OperationalError`, so every path that handles a failed database call (a lost
    in-place transaction, the 503 of the HTTP layer) handles this one too."""


# Below this much free space on the file's disk the database is not ready: a write that runs out
# of room fails (503), and the write-ahead log and its checkpoints need room to work in.
MIN_FREE_BYTES = 64 << 20


class DatabaseFile:
    def __init__(self, path: str) -> None:
        self.path = os.path.abspath(path)
        self._identity: tuple[int, int] | None = None  # (st_dev, st_ino) once opened

    @classmethod
    def watch(cls, engine: Engine) -> DatabaseFile:
        """Check the file before each new connection of `engine`, and record it at the first."""
        assert engine.url.database
        file = cls(engine.url.database)
        event.listen(engine, "do_connect", file._before_connect)
        event.listen(engine, "connect", file._connected)
        return file

    def check(self) -> None:
        """Raise `DatabaseFileGone` unless the path still holds the file first opened."""
        if self._identity is None:
            return
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            raise DatabaseFileGone(f"the database file {self.path} is gone") from None
        if (found.st_dev, found.st_ino) != self._identity:
            raise DatabaseFileGone(f"the database file {self.path} was replaced")

    def has_room(self) -> bool:
        """Whether the disk holding the file has MIN_FREE_BYTES free for unprivileged writers."""
        found = os.statvfs(os.path.dirname(self.path))
        return found.f_bavail * found.f_frsize >= MIN_FREE_BYTES

    def _before_connect(self, dialect: Any, record: Any, cargs: list[Any],
                        cparams: dict[str, Any]) -> Any:
        if self._identity is None:
            return None  # the first connection may create the file (a new bank)
        self.check()
        # Opened read-write but never created: a file deleted after the check stays missing.
        uri = "file:" + quote(self.path) + "?mode=rw"
        return sqlite3.connect(uri, *cargs[1:], **{**cparams, "uri": True})

    def _connected(self, dbapi_connection: Any, record: Any) -> None:
        if self._identity is None:
            found = os.stat(self.path)
            self._identity = (found.st_dev, found.st_ino)
