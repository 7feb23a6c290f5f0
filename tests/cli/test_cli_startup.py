"""`vaani --help` stays quick because it loads nothing a command needs: the database stack, the
voice and fraud models and the web server are imported only by the commands that use them.
Checked by what a fresh interpreter has imported, never by timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "alembic", "psycopg", "torch", "resemblyzer", "numpy", "starlette",
         "uvicorn", "argon2", "punq", "application.use_cases", "entrypoints.bootstrap",
         "entrypoints.settings")

# Asks for the help of the whole CLI, of each group and of each command, then names the heavy
# modules the interpreter has imported.
_PROBE = """
import json, sys
import typer
from typer.testing import CliRunner
from entrypoints.cli.app import app

runner = CliRunner()
pages = {}
def walk(command, path):
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, (path, result.output)
    pages[" ".join(path)] = result.stdout
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        walk(sub, [*path, name])
walk(typer.main.get_command(app), [])
assert runner.invoke(app, ["--version"]).exit_code == 0
print(json.dumps({"pages": pages, "loaded": [m for m in HEAVY if m in sys.modules]}))
"""


def _probe() -> dict[str, dict[str, str] | list[str]]:
    code = f"HEAVY = {HEAVY!r}\n{_PROBE}"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
                          check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_help_imports_no_heavy_module_and_still_lists_every_command_and_option() -> None:
    probe = _probe()
    assert probe["loaded"] == []
    pages = probe["pages"]
    assert isinstance(pages, dict)
    top = pages[""]
    for group in ("db", "seed", "customer", "account", "voice", "fraud", "serve", "webhooks",
                  "standing-orders", "--version"):
        assert group in top
    assert len(pages) > 90  # every group and every command has its page
    assert "Create or migrate the schema" in pages["db upgrade"] and "--json" in pages["db upgrade"]
    assert "--opening-deposit" in pages["account open"] and "savings" in pages["account open"]
    assert "--workers" in pages["serve"] and "--target-far" in pages["voice calibrate"]


def test_the_package_runs_as_the_vaani_command() -> None:
    done = subprocess.run([sys.executable, "-m", "entrypoints.cli", "--version"], cwd=ROOT,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0 and done.stdout.startswith("vaani "), done.stderr
