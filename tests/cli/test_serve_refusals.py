"""`vaani serve` refuses to start, with a one-line reason and a non-zero exit, where it could
not serve rightly: an unmigrated database, no token secret, several workers on the memory
profile (each would hold a bank of its own)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from entrypoints.cli import runtime
from entrypoints.cli.app import app
from tests.cli.test_cli import run
from tests.conftest import TEST_ENV


def test_serve_refuses_to_start_on_an_unmigrated_database(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("VAANI_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    runtime.reset()
    result = CliRunner().invoke(app, ["serve", "--port", "8766"])
    runtime.reset()
    assert result.exit_code == 78 and "vaani db upgrade" in result.stderr


def test_serve_refuses_to_start_without_a_token_secret(vaani: tuple[CliRunner, str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    runner, _ = vaani
    monkeypatch.delenv("VAANI_JWT_SECRET")
    monkeypatch.delenv("VAANI_DEMO", raising=False)
    code, _, err = run(runner, "serve", "--port", "8765")
    assert code == 78 and "VAANI_JWT_SECRET" in err


def test_serve_refuses_several_workers_on_the_memory_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("VAANI_PROFILE", "memory")
    runtime.reset()
    result = CliRunner().invoke(app, ["serve", "--port", "8767", "--workers", "2"])
    runtime.reset()
    assert result.exit_code == 2 and "one worker" in result.stderr
