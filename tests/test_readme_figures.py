"""The README's performance lines are docs/benchmarks.md's figures (bench/readme_figures.py):
a figure typed by hand, or left behind by a new benchmark run, fails here."""

from __future__ import annotations

import pytest

from bench.readme_figures import BENCHMARKS, README, MissingFigure, lines, rewrite


def test_the_readme_figures_are_the_ones_docs_benchmarks_md_gives() -> None:
    readme = README.read_text()
    assert rewrite(readme, BENCHMARKS.read_text()) == readme, (
        "README.md's figures differ from docs/benchmarks.md: run "
        "`PYTHONPATH=. .venv/bin/python bench/readme_figures.py`")


def test_a_row_the_lines_need_and_the_document_lacks_is_an_error_not_a_stale_line() -> None:
    document = BENCHMARKS.read_text().replace("| PostgreSQL, 8 workers, uniform |",
                                              "| PostgreSQL, 8 workers, renamed |")
    with pytest.raises(MissingFigure, match="PostgreSQL, 8 workers, uniform"):
        lines(document)


def test_every_figure_in_the_block_comes_from_the_document() -> None:
    def changed(line: str) -> str:
        if not line.startswith("| PostgreSQL, 1 worker, uniform |"):
            return line
        cells = line.split(" | ")
        cells[3] = "9.99"  # the ratio column
        return " | ".join(cells)

    document = "\n".join(changed(line) for line in BENCHMARKS.read_text().splitlines())
    assert "PostgreSQL 9.99 with one" in "\n".join(lines(document))
