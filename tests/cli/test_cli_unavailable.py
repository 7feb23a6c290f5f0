"""The CLI when the database cannot be had: one line and EX_TEMPFAIL, never a traceback."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from entrypoints.cli import runtime
from tests.cli.test_cli import as_json, run


@pytest.mark.parametrize("vaani", ["sqlite"], indirect=True)
def test_a_locked_database_is_one_line_and_exit_75(vaani: tuple[CliRunner, str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer outside Vaani holds the database past VAANI_DB_WAIT_SECONDS: the command says
    so and exits EX_TEMPFAIL, where it used to wait 30 s and print a traceback."""
    runner, url = vaani
    as_json(runner, "db", "upgrade")
    number = as_json(runner, "seed", "demo")["customers"][0]["customer_number"]
    monkeypatch.setenv("VAANI_DB_WAIT_SECONDS", "0.2")
    runtime.reset()
    holder = sqlite3.connect(sa.make_url(url).database or "", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, _, err = run(runner, "customer", "freeze", number)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 75, err
    assert "the database is unavailable" in err and "Traceback" not in err
