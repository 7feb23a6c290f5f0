"""The SQLite file served is the one first opened: once it is moved, deleted or replaced,
writes are refused before they commit (`database_unavailable`), `ping` fails, and no new
connection creates an empty database in its place."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from adapters.sql.engine import database_unavailable
from adapters.sql.sqlite import database_file
from adapters.sql.sqlite.database_file import DatabaseFileGone
from application.ports import UnitOfWorkFactory
from application.use_cases import TransferCommand, TransferMoney
from entrypoints.bootstrap import bootstrap, prepare_database
from tests.conftest import settings_for
from tests.support.banking import account, customer, inr


@pytest.mark.parametrize("how", ["moved", "deleted", "replaced"])
def test_writes_stop_once_the_file_is_not_the_one_opened(tmp_path: Path, how: str) -> None:
    database = tmp_path / "bank.db"
    bank = bootstrap(settings_for(f"sqlite:///{database}"))
    prepare_database(bank)
    factory = bank.resolve(UnitOfWorkFactory)
    try:
        owner = customer(bank)
        source = account(bank, owner, "100.00").account_number
        destination = account(bank, owner).account_number

        def pay(key: str) -> None:
            bank.resolve(TransferMoney).execute(TransferCommand(
                owner.id, source, destination, inr("1.00"), idempotency_key=key))
        pay("before")
        assert factory.ping()
        os.rename(database, tmp_path / "moved.db")
        if how == "deleted":
            os.unlink(tmp_path / "moved.db")
        elif how == "replaced":
            database.write_bytes(b"")
        with pytest.raises(DatabaseFileGone) as refused:
            pay("after")  # on a connection opened before: refused before its COMMIT
        assert database_unavailable(refused.value)
        assert not factory.ping()
        factory.close()  # every connection gone: the next one is opened afresh, and refused
        with pytest.raises(Exception) as reopened:
            pay("reopened")
        assert database_unavailable(reopened.value)
        assert database.exists() == (how == "replaced")  # nothing created in its place
    finally:
        factory.close()


def test_a_disk_without_room_is_not_ready(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk fails every write (503), so `/ready` must say so before one is tried."""
    bank = bootstrap(settings_for(f"sqlite:///{tmp_path / 'bank.db'}"))
    prepare_database(bank)
    factory = bank.resolve(UnitOfWorkFactory)
    try:
        assert factory.ping()
        free = os.statvfs(tmp_path).f_bavail * os.statvfs(tmp_path).f_frsize
        monkeypatch.setattr(database_file, "MIN_FREE_BYTES", free + (1 << 40))  # more than is free
        assert not factory.ping()
    finally:
        factory.close()


def test_a_schema_mistake_is_an_error_not_a_database_to_wait_for() -> None:
    """Waiting mends a lock or a restart, never a missing table (a migration not run)."""
    assert database_unavailable(sqlite3.OperationalError("database is locked"))
    assert not database_unavailable(sqlite3.OperationalError("no such table: accounts"))
    assert not database_unavailable(sqlite3.OperationalError("table x has no column named y"))
