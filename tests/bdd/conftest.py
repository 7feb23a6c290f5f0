"""The bank the features talk to: the memory profile by default, SQLite with --bdd-profile."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import punq
import pytest

from application.ports import UnitOfWorkFactory
from entrypoints.bootstrap import bootstrap, prepare_database
from tests.conftest import settings_for


@pytest.fixture
def bdd_bank(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[punq.Container]:
    profile = request.config.getoption("--bdd-profile")
    wired = bootstrap(settings_for(f"sqlite:///{tmp_path / 'bdd.db'}", profile))
    prepare_database(wired)
    yield wired
    wired.resolve(UnitOfWorkFactory).close()
