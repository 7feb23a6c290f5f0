"""The database a command is about to use, checked before the command touches it.

A command run on a database that is missing, unreachable, not a database at all or not at the
code's schema stops with one line saying what to do (exit 78, EX_CONFIG), instead of failing
half-way with a driver's traceback; and nothing is created on the way: SQLite would otherwise
make an empty file (and its folder) at a mistyped path. Only `vaani db upgrade` and
`vaani seed demo` create a database, so only they may find none."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import punq
import sqlalchemy as sa

from adapters.sql import SqlUnitOfWorkFactory, current_revision, head_revision
from application.ports import UnitOfWorkFactory
from entrypoints.setting_values import ConfigurationError
from entrypoints.settings import Settings

# The first 16 bytes of every SQLite database file; an empty file is a database not begun.
SQLITE_HEADER = b"SQLite format 3\x00"
UPGRADE = "run `vaani db upgrade`"


def check_before_opening(settings: Settings, *, creating: bool) -> None:
    """An SQLite path must hold a database file, or (when `creating`) be where one can be made."""
    if settings.profile != "sqlite":
        return
    path = Path(sa.make_url(settings.database_url).database or "")
    if not path.exists():
        if not creating:
            raise ConfigurationError(f"there is no database at {path}: {UPGRADE} to create it, "
                                     "or set VAANI_DATABASE_URL to the bank's database")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ConfigurationError(f"cannot make the folder {path.parent} for the database "
                                     f"({error.strerror}); check VAANI_DATABASE_URL") from None
        return
    if path.is_dir():
        raise ConfigurationError(f"{path} is a folder, not a database file; check "
                                 "VAANI_DATABASE_URL")
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise ConfigurationError(f"cannot read the database {path} ({error.strerror}); check "
                                 "VAANI_DATABASE_URL and the file's permissions") from None
    if header and header != SQLITE_HEADER:
        raise ConfigurationError(f"{path} is not an SQLite database; set VAANI_DATABASE_URL "
                                 "to the bank's database file")
    if not creating:
        _at_head(f"sqlite:///{path}", _sqlite_revision(path))


def _sqlite_revision(path: Path) -> str | None:
    """The file's schema revision, read without changing it: opening it the bank's way would
    switch it to write-ahead logging and leave the log's files beside it. Where the log is not
    there (every write checkpointed into the file), the file is read as immutable, which makes
    no files; where it is, the reader goes through it, and its files are there already."""
    logged = path.with_name(path.name + "-wal").exists()
    mode = "mode=ro" if logged else "mode=ro&immutable=1"
    reader = sqlite3.connect(f"{path.absolute().as_uri()}?{mode}", uri=True)
    try:
        found = reader.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        if "no such table" in str(error):
            return None
        if isinstance(error, sqlite3.OperationalError):
            raise  # locked or busy: the command says the database is unavailable (75)
        raise ConfigurationError(f"{path} is not a usable SQLite database ({error}); set "
                                 "VAANI_DATABASE_URL to the bank's database file") from None
    finally:
        reader.close()
    return str(found[0]) if found else None


def _at_head(where: str, current: str | None) -> None:
    head = head_revision()
    if current is None:
        raise ConfigurationError(f"the database {where} has no schema yet: {UPGRADE} first")
    if current != head:
        raise ConfigurationError(f"the database {where} is at schema revision {current}, this "
                                 f"code needs {head}: {UPGRADE} first (or run the matching "
                                 "version of Vaani)")


def check_opened(wired: punq.Container, *, creating: bool) -> None:
    """A database server answers, and (unless `creating`) is at the schema this code needs
    (an SQLite file was checked before it was opened)."""
    factory = wired.resolve(UnitOfWorkFactory)
    if not isinstance(factory, SqlUnitOfWorkFactory) or factory.engine.dialect.name == "sqlite":
        return
    where = factory.engine.url.render_as_string(hide_password=True)
    try:
        with factory.engine.connect():
            pass
    except sa.exc.DBAPIError as error:
        cause = " ".join(str(error.orig or error).split())  # one line, whatever the driver said
        raise ConfigurationError(f"cannot open the database {where} ({cause}); check "
                                 "VAANI_DATABASE_URL and that the database is running") from None
    if not creating:
        _at_head(where, current_revision(factory.engine))
