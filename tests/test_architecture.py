"""The layering contract: dependencies point inward, the inner layers import no framework."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contracts_hold() -> None:
    """In a process of its own: import-linter configures logging with `dictConfig`, which
    disables every logger already made (the notifier's too, which later tests read)."""
    done = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_contract_keeps_the_speed_machinery_out_of_the_application_layer() -> None:
    """The one seam (docs/architecture.md): threads, event loops, writer turns, pipelines and
    dispatchers live in adapters and entrypoints; a contract, not a habit, keeps them there."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"]
    seam = [c for c in contracts if c["type"] == "forbidden"
            and "application" in c["source_modules"]
            and {"adapters.sql.sqlite", "entrypoints.http.dispatch", "threading", "asyncio"}
            <= set(c["forbidden_modules"])]
    assert seam, "the contract keeping application/ free of the speed machinery is gone"
