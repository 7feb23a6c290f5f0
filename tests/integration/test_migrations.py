"""Alembic migrations create exactly the schema the code expects, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from adapters.sql import create_sql_engine, current_revision, head_revision, upgrade
from adapters.sql.postgres.partitions import compared
from adapters.sql.tables import metadata
from tests.conftest import create_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_server")
        return create_database(server, f"vaani_empty_{tmp_path.name[-12:].replace('-', '_')}")
    return f"sqlite:///{tmp_path / 'empty.db'}"


def test_upgrade_reaches_head_twice_and_matches_the_tables(empty_url: str) -> None:
    engine = create_sql_engine(empty_url)
    assert current_revision(engine) is None
    assert upgrade(engine) == head_revision()
    assert upgrade(engine) == head_revision()  # running it again changes nothing
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(
            conn, opts={"include_object": compared}), metadata)
    engine.dispose()
    assert differences == []
