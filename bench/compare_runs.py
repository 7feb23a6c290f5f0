"""Two runs of `make bench`, ratio by ratio: does a second full run from a fresh clone reproduce
the first's ratios within 15 % (issue #32)? Reads two copies of docs/benchmarks.md (each as one
run wrote it) and sets every ratio of every generated section side by side: the columns named
"ratio", "ratio (p50)" or "Vaani / peer", the history section's "(0.90x)" against fresh and its
"HTTP ÷ in-process" rows, and the memory section's warm RSS (a figure, not a ratio: the one the
memory target is about). Rows are matched by their place in their section's table and named by
their first cell and the cells that tell rows apart (request, connections...), so both files
must come from the same scripts.

Prints a Markdown table per section and a count of what held; exits 0 either way (a report, not
a gate: a shared machine's noise is what the count measures).

Run: PYTHONPATH=. .venv/bin/python bench/compare_runs.py FIRST.md SECOND.md [--within 0.15]"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from bench.report import markdown_tables

RATIO_COLUMNS = ("ratio", "ratio (p50)", "Vaani / peer", "RSS warm")
AGAINST_FRESH = re.compile(r"\(([\d.]+)x\)")
BARE_RATIO = re.compile(r"^([\d.]+)x$")
NAMING = ("request", "connections", "operation", "workers", "rate (share of max)", "events")

Figures = dict[tuple[str, int, int, str], tuple[str, float]]  # (section, table, row, column)


def generated_sections(text: str) -> dict[str, str]:
    """The sections a benchmark script wrote (they carry a "Measured ..." line)."""
    found: dict[str, str] = {}
    for block in text.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        if body.lstrip().startswith("Measured "):
            found[title.strip()] = body
    return found


def _number(cell: str) -> float | None:
    text = cell.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def figures(text: str) -> Figures:
    found: Figures = {}
    for section, body in generated_sections(text).items():
        for t, (above, table) in enumerate(markdown_tables(body)):
            # A short line ending in ":" just above names the table (the history's "SQLite:").
            caption = above[:-1] if above.endswith(":") and len(above) < 40 else ""
            header, rows = table[0], table[2:]
            for r, row in enumerate(rows):
                name = " · ".join([caption] * bool(caption) + [
                    cell for c, cell in enumerate(row) if c == 0 or header[c] in NAMING])
                for c, (column, cell) in enumerate(zip(header, row, strict=False)):
                    value = _ratio(column, cell)
                    if value is not None and c > 0:
                        found[(section, t, r, column)] = (name, value)
    return found


def _ratio(column: str, cell: str) -> float | None:
    if column in RATIO_COLUMNS:
        return _number(cell)
    if match := AGAINST_FRESH.search(cell) or BARE_RATIO.match(cell):
        return float(match.group(1))
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--within", type=float, default=0.15)
    args = parser.parse_args()
    for given in (args.first, args.second):
        if not given.is_file():
            parser.error(f"{given}: no such file (two copies of docs/benchmarks.md)")
    first, second = figures(args.first.read_text()), figures(args.second.read_text())
    held = total = 0
    section = ""
    for key in sorted(first.keys() & second.keys(), key=list(first).index):
        if key[0] != section:
            section = key[0]
            print(f"\n### {section}\n\n| row | column | first | second | second ÷ first | "
                  f"within {args.within:.0%} |\n|---|---|---|---|---|---|")
        name, a = first[key]
        b = second[key][1]
        change = b / a if a else float("inf") if b else 1.0
        ok = abs(change - 1) <= args.within
        held, total = held + ok, total + 1
        print(f"| {name} | {key[3]} | {a:g} | {b:g} | {change:.2f} | {'yes' if ok else 'no'} |")
    print(f"\n{held} of {total} within {args.within:.0%}.")
    missing = sorted({k[0] for k in first.keys() ^ second.keys()})
    if missing:
        print(f"Not in both runs: {', '.join(missing)}")


if __name__ == "__main__":
    main()
