"""docs/benchmarks.md: one section per benchmark script, each rewritten by its own run, under a
header naming the machine, the versions and the date of the latest run."""

from __future__ import annotations

import os
import platform
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
INTRO = """\
Every figure is a ratio against a baseline measured in the same invocation, because these
machines are shared and noisy: medians of interleaved rounds. `make bench` runs them all
(loopback only, bounded in count and time); each script rewrites its own section below."""


class Table:
    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.rows: list[list[str]] = []

    def add(self, row: list[str]) -> None:
        self.rows.append(row)

    def render(self) -> str:
        lines = ["| " + " | ".join(self.header) + " |", "|" + "---|" * len(self.header)]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def machine() -> str:
    try:
        import psycopg
        pg = f", psycopg {psycopg.__version__}"
    except ImportError:  # pragma: no cover - the test extras bring it
        pg = ""
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}{pg}")


def write_section(title: str, body: str) -> None:
    """Replace (or append) `## title` in docs/benchmarks.md and refresh the header."""
    text = OUT.read_text() if OUT.exists() else ""
    sections = re.split(r"(?m)^(?=## )", text)
    kept = [s for s in sections[1:] if not s.startswith(f"## {title}\n")]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    updated = f"## {title}\n\nMeasured {stamp} on {machine()}.\n\n{body.strip()}\n\n"
    order = {s.split("\n", 1)[0]: s for s in kept}
    order[f"## {title}"] = updated
    head = f"# Benchmarks\n\n{INTRO}\n\n"
    OUT.write_text(head + "".join(order[k] if order[k].endswith("\n\n") else order[k] + "\n"
                                  for k in sorted(order, key=_position)))


_ORDER = ["Ledger limit", "Instructions per transfer", "HTTP", "Peer", "Authentication", "Voice",
          "Fraud", "History size"]


def _position(heading: str) -> int:
    for i, prefix in enumerate(_ORDER):
        if heading.startswith(f"## {prefix}"):
            return i
    return len(_ORDER)
