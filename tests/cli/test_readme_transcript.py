"""README's command-line transcript, run as written against a fresh bank: a newcomer who types
it sees what it shows (`…` stands for what differs between runs: numbers the seed draws)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"<!-- cli-transcript:begin -->\n```console\n(.*?)```\n"
                   r"<!-- cli-transcript:end -->", re.S)


def transcript() -> list[tuple[str, list[str]]]:
    found = BLOCK.search((ROOT / "README.md").read_text())
    assert found, "README.md has no CLI transcript between its markers"
    steps: list[tuple[str, list[str]]] = []
    for line in found.group(1).splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; `…` inside a line stands for any text, a line of `…` for any lines."""
    pattern = "\n".join(".*?" if line == "…" else
                        ".*?".join(re.escape(part) for part in line.split("…"))
                        for line in expected)
    return re.fullmatch(pattern, "\n".join(actual), re.S) is not None


def test_the_readme_transcript_runs_as_shown(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAANI_")}
    env["PYTHONPATH"] = str(ROOT)
    names: dict[str, str] = {}
    for command, expected in transcript():
        words = shlex.split(command)
        assert words[0] == "vaani", command
        args = [names.get(w, w) for w in words[1:]]
        done = subprocess.run([sys.executable, "-m", "entrypoints.cli", *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (command, done.stderr)
        actual = [line.rstrip() for line in done.stdout.splitlines()]
        if words[1:3] == ["seed", "demo"]:  # the numbers the rest of the transcript names
            savings = re.search(r"savings account (\d+):", done.stdout)
            assert savings, done.stdout
            names["SAVINGS_NUMBER"] = savings.group(1)
        shown = [names.get("SAVINGS_NUMBER", "SAVINGS_NUMBER").join(line.split(
            "SAVINGS_NUMBER")) for line in expected]
        if not matches(shown, actual):
            pytest.fail(f"`{command}` printed:\n" + "\n".join(actual) +
                        "\nREADME.md shows:\n" + "\n".join(expected))
