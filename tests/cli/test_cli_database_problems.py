"""A database the CLI cannot use (none at the path, not a database, not migrated, not
reachable) is one line with a hint and EX_CONFIG (78), never a traceback, and nothing is
created on the way; under `--json` every failure is one JSON object on stderr."""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.sql import head_revision
from entrypoints.cli import runtime
from tests.cli.test_cli import as_json, run
from tests.conftest import TEST_ENV

Use = Callable[[str], CliRunner]


@pytest.fixture
def use(monkeypatch: pytest.MonkeyPatch) -> Iterator[Use]:
    """Point the CLI at a database URL, with the tests' settings."""
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    for name in ("VAANI_PROFILE", "VAANI_NEW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)

    def at(url: str) -> CliRunner:
        monkeypatch.setenv("VAANI_DATABASE_URL", url)
        runtime.reset()
        return CliRunner()

    yield at
    runtime.reset()


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _unmigrated(path: Path) -> None:
    with sqlite3.connect(path) as made:
        made.execute("CREATE TABLE notes (body TEXT)")
    made.close()


def _older_schema(path: Path, runner: CliRunner) -> None:
    as_json(runner, "db", "upgrade")
    with sqlite3.connect(path) as made:
        made.execute("UPDATE alembic_version SET version_num = '0001'")
    made.close()
    runtime.reset()


def test_no_database_at_the_path_creates_nothing(tmp_path: Path, use: Use) -> None:
    for path in (tmp_path / "vaani.db", tmp_path / "missing" / "folder" / "vaani.db"):
        code, out, err = run(use(f"sqlite:///{path}"), "ledger", "verify")
        assert code == 78 and out == ""
        assert "there is no database at" in _one_line(err) and "vaani db upgrade" in err
    assert list(tmp_path.iterdir()) == []  # no empty file, no folder


@pytest.mark.parametrize("problem", ["unmigrated", "older schema", "not a database", "a folder"])
def test_a_database_that_is_not_the_banks_is_one_line_and_exit_78(
        problem: str, tmp_path: Path, use: Use) -> None:
    path = tmp_path / "vaani.db"
    runner = use(f"sqlite:///{path}")
    if problem == "unmigrated":
        _unmigrated(path)
    elif problem == "older schema":
        _older_schema(path, runner)
    elif problem == "not a database":
        path.write_text("name,balance\nAsha,100\n")
    else:
        path.mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    code, _, err = run(runner, "customer", "freeze", "1234567890")
    line = _one_line(err)
    assert code == 78
    assert {"unmigrated": "has no schema yet: run `vaani db upgrade`",
            "older schema": f"is at schema revision 0001, this code needs {head_revision()}",
            "not a database": "is not an SQLite database",
            "a folder": "is a folder, not a database file"}[problem] in line
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    code, _, err = run(runner, "ledger", "verify", "--json")
    assert code == 78 and json.loads(err)["error"]["code"] == "configuration_error"


def test_db_upgrade_creates_the_folder_but_not_under_a_file(tmp_path: Path, use: Use) -> None:
    made = tmp_path / "var" / "bank" / "vaani.db"
    assert as_json(use(f"sqlite:///{made}"), "db", "upgrade")["revision"] == head_revision()
    assert made.is_file()
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    code, _, err = run(use(f"sqlite:///{blocker / 'vaani.db'}"), "db", "upgrade")
    assert code == 78 and "cannot make the folder" in _one_line(err)
    assert blocker.read_text() == "not a folder"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("command", [["ledger", "verify"], ["db", "upgrade"], ["seed", "demo"]])
def test_an_unreachable_postgresql_is_one_line_and_exit_78(command: list[str], use: Use) -> None:
    runner = use(f"postgresql://vaani:secret@127.0.0.1:{_closed_port()}/vaani")
    code, _, err = run(runner, *command)
    line = _one_line(err)
    assert code == 78 and "cannot open the database" in line and "VAANI_DATABASE_URL" in line
    assert "secret" not in line  # the password stays out of the message
    code, _, err = run(runner, *command, "--json")
    error = json.loads(err)
    assert code == 78 and error["exit_code"] == 78
    assert error["error"]["code"] == "configuration_error"


def test_json_errors_are_json_on_stderr(tmp_path: Path, use: Use) -> None:
    runner = use(f"sqlite:///{tmp_path / 'vaani.db'}")
    as_json(runner, "db", "upgrade")
    code, out, err = run(runner, "account", "deposit", "000000000000", "1.00", "--json")
    assert code == 3 and out == ""
    assert json.loads(err) == {"error": {"code": "account_not_found",
                                         "message": "account 000000000000 not found",
                                         "info": {"account_number": "000000000000"}},
                               "exit_code": 3}
    code, out, err = run(runner, "account", "open", "--type", "savings", "--json")
    assert code == 2 and out == "" and json.loads(err)["error"]["code"] == "usage_error"
    code, _, err = run(runner, "account", "open", "1", "--type", "gold", "--json")
    assert code == 2 and "gold" in json.loads(err)["error"]["message"]
    code, _, err = run(runner, "customer", "create", "--first-name", "A", "--last-name", "B",
                       "--email", "a@example.in", "--phone", "+919845000009", "--json")
    assert code == 2 and json.loads(err)["error"]["code"] == "validation_error"
    code, _, err = run(runner, "account", "open", "1", "--type", "gold")  # text without --json
    assert code == 2 and not err.lstrip().startswith("{")


def test_a_locked_database_under_json_is_database_unavailable(tmp_path: Path, use: Use,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "vaani.db"
    runner = use(f"sqlite:///{path}")
    number = as_json(runner, "seed", "demo")["customers"][0]["customer_number"]
    monkeypatch.setenv("VAANI_DB_WAIT_SECONDS", "0.2")
    runtime.reset()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, _, err = run(runner, "customer", "freeze", number, "--json")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 75 and json.loads(err)["error"]["code"] == "database_unavailable"
