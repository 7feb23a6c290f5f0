"""docs/benchmarks.md: one section per benchmark script, each rewritten by its own run, under a
header naming the machine, the versions and the date of the latest run.

Only a full run writes there. A quick run (`--quick`: fewer rounds, smaller workloads, figures
no one should quote) prints its section instead, or writes it to the file $BENCH_SECTIONS names
(in the same layout); bench/ab_pairs.py reads the sections of its runs from there."""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
SECTIONS = "BENCH_SECTIONS"  # where sections go instead, when set (any run, quick or full)
# Said in each section with interleaved rounds: neither side always runs on a machine the other
# has just warmed (caches, the database's pages) or loaded (its checkpoints, its vacuum).
ALTERNATING = "the side that runs first alternates from one round to the next"
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


TABLE = re.compile(r"(?m)((?:^\|.*\|\n?)+)")


def markdown_tables(text: str) -> list[tuple[str, list[list[str]]]]:
    """Each Markdown table of `text` as its rows of stripped cells (header, separator, body),
    with the last non-blank line above it ("" when none): how the README's figures and two
    runs compared read docs/benchmarks.md (bench/ab_pairs.py keeps its own: it runs without the
    project on its path, from either side's clone)."""
    found = []
    for match in TABLE.finditer(text):
        above = text[:match.start()].rstrip().rsplit("\n", 1)[-1].strip()
        rows = [[c.strip() for c in line.strip().strip("|").split("|")]
                for line in match.group(1).strip().splitlines()]
        found.append((above, rows))
    return found


def machine() -> str:
    try:
        import psycopg
        pg = f", psycopg {psycopg.__version__}"
    except ImportError:  # pragma: no cover - the test extras bring it
        pg = ""
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}{pg}")


# Said beside a paired ratio: why it is taken round by round, not as a ratio of medians.
PAIRED = ("each ratio is the median of the rounds' own ratios (the two sides of a round run back "
          "to back, so a machine that changes speed between rounds moves both alike), with the "
          "lowest and highest round beside it")


def paired_ratio(ours: Sequence[float], theirs: Sequence[float]) -> tuple[float, float, float]:
    """(median, lowest, highest) of the per-round ratios ours[i] / theirs[i]."""
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    return statistics.median(ratios), min(ratios), max(ratios)


def ratio_cell(value: float) -> str:
    """Two decimals, or two significant digits below 0.1: a second run compares 0.014 with
    0.016, where two decimals would round them to 0.01 and 0.02."""
    return f"{value:.2f}" if value >= 0.095 else f"{value:.2g}"


def spread(low: float, high: float) -> str:
    return f"{ratio_cell(low)}\N{EN DASH}{ratio_cell(high)}"


def in_turn(round_index: int, sides: Sequence[str]) -> list[str]:
    """The sides of an interleaved round in the order they run: as given in even rounds,
    reversed in odd ones."""
    return list(sides) if round_index % 2 == 0 else list(reversed(sides))


def time_in_turn(round_index: int, sides: dict[str, Callable[[], object]],
                 times: dict[str, list[float]]) -> None:
    """Run and time each side once, in `in_turn` order, adding its seconds to `times[side]`."""
    for side in in_turn(round_index, tuple(sides)):
        started = time.perf_counter()
        sides[side]()
        times[side].append(time.perf_counter() - started)


def write_section(title: str, body: str, *, quick: bool = False) -> None:
    """Replace (or append) `## title` in docs/benchmarks.md and refresh the header; into
    $BENCH_SECTIONS instead when set. A quick run (`quick`, or `--quick` among the arguments)
    never writes docs/benchmarks.md: without $BENCH_SECTIONS it prints the section."""
    out = Path(os.environ[SECTIONS]) if os.environ.get(SECTIONS) else OUT
    if (quick or "--quick" in sys.argv) and out.resolve() == OUT.resolve():
        print(f"\n[quick run: the section is not written to {OUT.name}]\n{_section(title, body)}")
        return
    _write(out, title, body)


def _section(title: str, body: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"## {title}\n\nMeasured {stamp} on {machine()}.\n\n{body.strip()}\n\n"


def _write(out: Path, title: str, body: str) -> None:
    text = out.read_text() if out.exists() else ""
    sections = re.split(r"(?m)^(?=## )", text)
    kept = [s for s in sections[1:] if not s.startswith(f"## {title}\n")]
    updated = _section(title, body)
    order = {s.split("\n", 1)[0]: s for s in kept}
    order[f"## {title}"] = updated
    head = f"# Benchmarks\n\n{INTRO}\n\n"
    out.write_text(head + "".join(order[k] if order[k].endswith("\n\n") else order[k] + "\n"
                                  for k in sorted(order, key=_position)))


_ORDER = ["Ledger limit", "Instructions per transfer", "HTTP", "Peer", "Authentication", "Voice",
          "Memory", "Fraud", "History size"]


def _position(heading: str) -> int:
    for i, prefix in enumerate(_ORDER):
        if heading.startswith(f"## {prefix}"):
            return i
    return len(_ORDER)
