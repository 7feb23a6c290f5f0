"""The layering contract: dependencies point inward, the inner layers import no framework."""

from __future__ import annotations

import os
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contracts_hold() -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)  # import-linter reads pyproject.toml from the working directory
    try:
        assert lint_imports(no_cache=True) == 0
    finally:
        os.chdir(cwd)


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
