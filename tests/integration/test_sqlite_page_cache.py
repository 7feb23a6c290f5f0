"""VAANI_SQLITE_CACHE_MIB sizes every SQLite connection's page cache (the writer's and the
readers'); unset, SQLite keeps its own (about 2 MiB); out of range, the bank refuses to start."""

from __future__ import annotations

from pathlib import Path

import pytest

from application.ports import UnitOfWorkFactory
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import ConfigurationError, load_settings

SECRET = "page-cache-" + "x" * 40


def cache_size(tmp_path: Path, **more: str) -> int:
    bank = bootstrap(load_settings({"VAANI_DATABASE_URL": f"sqlite:///{tmp_path / 'bank.db'}",
                                    "VAANI_JWT_SECRET": SECRET, **more}))
    factory = bank.resolve(UnitOfWorkFactory)
    engine = factory.engine  # type: ignore[attr-defined]
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql("PRAGMA cache_size").scalar())
    finally:
        factory.close()


def test_the_setting_sizes_each_connection_s_page_cache_in_mib(tmp_path: Path) -> None:
    assert cache_size(tmp_path, VAANI_SQLITE_CACHE_MIB="64") == -64 * 1024  # KiB, negative


def test_unset_keeps_sqlite_s_own_page_cache(tmp_path: Path) -> None:
    assert cache_size(tmp_path) == -2000


@pytest.mark.parametrize("given", ["0", "5000", "lots"])
def test_a_size_out_of_range_is_refused(given: str) -> None:
    with pytest.raises(ConfigurationError, match="VAANI_SQLITE_CACHE_MIB"):
        load_settings({"VAANI_DATABASE_URL": "sqlite:///x.db", "VAANI_JWT_SECRET": SECRET,
                       "VAANI_SQLITE_CACHE_MIB": given})
