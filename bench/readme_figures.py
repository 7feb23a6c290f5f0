"""The README's performance lines, generated from docs/benchmarks.md: never typed by hand.

README.md holds a block between `<!-- figures:begin ... -->` and `<!-- figures:end -->`; this
script rewrites it from the tables the benchmark scripts wrote into docs/benchmarks.md, each
line with the date its section was measured. `make bench` runs it last; with `--check` it only
says whether the block is what it would write (exit status 1 when not), and
tests/test_readme_figures.py fails the suite when it is not. A row the lines need that the
document lacks (a benchmark renamed or not run) is an error naming it, not a line left stale.

Run: PYTHONPATH=. .venv/bin/python bench/readme_figures.py [--check]"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bench.report import markdown_tables

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
BEGIN = ("<!-- figures:begin: generated from docs/benchmarks.md by bench/readme_figures.py "
         "(`make bench` runs it); do not edit by hand -->")
END = "<!-- figures:end -->"
_BLOCK = re.compile(r"<!-- figures:begin.*?-->.*?<!-- figures:end -->", re.DOTALL)


class MissingFigure(LookupError):
    """docs/benchmarks.md lacks a section or row the README's lines are made from."""


class Section:
    """One `## ` section of docs/benchmarks.md: its date and its tables' rows."""

    def __init__(self, title: str, text: str) -> None:
        self.title = title
        found = re.search(r"^Measured (\d{4}-\d{2}-\d{2})", text, re.MULTILINE)
        self.date = found.group(1) if found else "undated"
        self.rows: list[dict[str, str]] = []
        for _, cells in markdown_tables(text):
            header = cells[0]
            self.rows += [dict(zip(header, row, strict=True)) for row in cells[2:]
                          if len(row) == len(header)]

    def row(self, wanted: dict[str, str]) -> dict[str, str]:
        """The first row whose cells in the columns `wanted` names hold its values."""
        for row in self.rows:
            if all(row.get(column) == value for column, value in wanted.items()):
                return row
        raise MissingFigure(f"docs/benchmarks.md, {self.title}: no row {wanted}")


def sections(document: str) -> dict[str, Section]:
    found = {}
    for part in re.split(r"(?m)^(?=## )", document)[1:]:
        title = part.split("\n", 1)[0].removeprefix("## ").strip()
        found[title] = Section(title, part)
    return found


def _section(all_sections: dict[str, Section], prefix: str) -> Section:
    for title, section in all_sections.items():
        if title.startswith(prefix):
            return section
    raise MissingFigure(f"docs/benchmarks.md has no section '## {prefix}…'")


def lines(document: str) -> list[str]:
    """The README's performance lines, from the document's tables."""
    found = sections(document)
    ledger = _section(found, "Ledger limit")
    ratio = {name: ledger.row({"workload": name})["ratio"] for name in (
        "SQLite FULL, 1 worker, uniform", "SQLite FULL, 4 workers, uniform",
        "PostgreSQL, 1 worker, uniform", "PostgreSQL, 8 workers, uniform")}
    http = _section(found, "HTTP")

    def served(database: str) -> tuple[str, str]:
        row = http.row({"database, workers": database, "request": "POST /transfer",
                        "connections": "16"})
        return row["ratio"], row["Vaani p50 / p95 / p99 ms"].split(" / ")[-1]

    one, two, postgres = (served(d) for d in ("SQLite, 1 worker", "SQLite, 2 workers",
                                              "PostgreSQL, 2 workers"))
    peer = _section(found, "Peer")
    alone = peer.row({"mode": "in-process, 1 worker process"})
    over_http = peer.row({"mode": "HTTP, 2 workers, 16 connections"})
    paced = next((r for r in peer.rows if r["mode"].startswith("HTTP paced")), None)
    if paced is None:
        raise MissingFigure(f"docs/benchmarks.md, {peer.title}: no paced row")
    memory = _section(found, "Memory")
    warm = memory.row({"worker": "`vaani serve`, 1 worker (today)"})
    return [
        "From [docs/benchmarks.md](docs/benchmarks.md), on 2 cores; every ratio is against a "
        "baseline measured in the same run (each baseline's design is stated beside its table):",
        f"- Transfers per second in-process, relative to a hand-written transaction writing the "
        f"same rows: "
        f"SQLite {ratio['SQLite FULL, 1 worker, uniform']} with one worker and "
        f"{ratio['SQLite FULL, 4 workers, uniform']} with four; PostgreSQL "
        f"{ratio['PostgreSQL, 1 worker, uniform']} with one and "
        f"{ratio['PostgreSQL, 8 workers, uniform']} with eight ({ledger.date}).",
        f"- `POST /transfer` per second over HTTP at 16 connections, relative to a bare Starlette "
        f"endpoint: "
        f"SQLite {one[0]} with one worker (p99 {one[1]} ms) and {two[0]} with two (p99 {two[1]} "
        f"ms); PostgreSQL {postgres[0]} with two (p99 {postgres[1]} ms) ({http.date}).",
        f"- Against Django + django-hordak on PostgreSQL: {alone['Vaani / peer']}x its transfers "
        f"in-process with one worker process, {over_http['Vaani / peer']}x over HTTP (p99 "
        f"{over_http['Vaani p99 ms']} against {over_http['peer p99 ms']} ms); paced at twice the "
        f"peer's rate, p99 {paced['Vaani p99 ms']} against the peer's {paced['peer p99 ms']} ms "
        f"at its own ({peer.date}).",
        f"- `vaani serve` resident memory per worker, ready / warmed by logins, transfers, "
        f"statements and voice: {warm['RSS ready']} / {warm['RSS warm']} MiB ({memory.date}).",
    ]


def block(document: str) -> str:
    return "\n".join([BEGIN, *lines(document), END])


def rewrite(readme: str, document: str) -> str:
    """`readme` with its figures block made from `document`."""
    if len(_BLOCK.findall(readme)) != 1:
        raise SystemExit(f"README.md needs exactly one block between '{BEGIN[:20]}…' and '{END}'")
    return _BLOCK.sub(lambda _: block(document), readme)


def main() -> int:
    current = README.read_text()
    wanted = rewrite(current, BENCHMARKS.read_text())
    if "--check" in sys.argv:
        if wanted != current:
            print("README.md's figures differ from docs/benchmarks.md: run "
                  "PYTHONPATH=. .venv/bin/python bench/readme_figures.py")
            return 1
        return 0
    if wanted != current:
        README.write_text(wanted)
        print("README.md: figures rewritten from docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
