"""A seeded bank behind the CLI, on a real SQLite file and on PostgreSQL, and a way to tamper
with its database as someone who can write to it would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from entrypoints.cli import runtime
from entrypoints.cli.app import app
from tests.conftest import TEST_ENV, database_url_for
from tests.support.audit_tampering import AuditTampering


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A real SQLite file or a real PostgreSQL database, migrated."""
    return database_url_for(str(request.param), tmp_path, request)


@pytest.fixture
def seeded(database_url: str, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[CliRunner, AuditTampering]]:
    """A seeded demo bank behind the CLI, and a way to tamper with its audit trail."""
    url = database_url
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("VAANI_DATABASE_URL", url)
    for name in ("VAANI_PROFILE", "VAANI_AUDIT_SIGNING_KEY", "VAANI_AUDIT_TRUSTED_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    runtime.reset()
    runner = CliRunner()
    assert run(runner, "seed", "demo")[0] == 0
    engine = sa.create_engine(url)
    yield runner, AuditTampering(engine)
    engine.dispose()
    runtime.reset()


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def vaani(request: pytest.FixtureRequest, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[CliRunner, str]]:
    """The CLI against a real SQLite file or a real PostgreSQL database."""
    url = database_url_for(str(request.param), tmp_path, request)
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("VAANI_DATABASE_URL", url)
    monkeypatch.delenv("VAANI_PROFILE", raising=False)
    runtime.reset()
    yield CliRunner(), url
    runtime.reset()
