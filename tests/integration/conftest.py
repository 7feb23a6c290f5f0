"""Fixtures shared by the integration tests."""

from __future__ import annotations

from pathlib import Path

import punq
import pytest

from entrypoints.bootstrap import bootstrap, prepare_database
from tests.conftest import database_url_for, settings_for


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def sql_bank(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[punq.Container, str, str]:
    profile = str(request.param)
    url = database_url_for(profile, tmp_path, request)
    wired = bootstrap(settings_for(url, profile))
    prepare_database(wired)
    return wired, url, profile
