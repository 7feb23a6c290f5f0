"""Where a benchmark script's section goes (bench/report.py): a full run rewrites its section
of docs/benchmarks.md, a quick run never does; $BENCH_SECTIONS takes either instead."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench import report


@pytest.fixture
def document(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """docs/benchmarks.md as the module sees it: a copy, so no run of this test touches it."""
    copy = tmp_path / "benchmarks.md"
    copy.write_text("# Benchmarks\n\n## HTTP\n\nMeasured 2026-12-01 00:00 UTC.\n\nfull figures\n\n")
    monkeypatch.setattr(report, "OUT", copy)
    monkeypatch.delenv(report.SECTIONS, raising=False)
    return copy


def test_a_quick_run_prints_its_section_and_leaves_the_document_alone(
        document: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    before = document.read_text()
    monkeypatch.setattr(sys, "argv", ["bench/http_load.py", "--quick"])
    report.write_section("HTTP", "quick figures")
    assert document.read_text() == before
    assert "quick figures" in capsys.readouterr().out
    report.write_section("HTTP", "quick figures", quick=True)
    assert document.read_text() == before


def test_a_quick_run_told_to_write_into_the_document_still_does_not(
        document: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = document.read_text()
    monkeypatch.setenv(report.SECTIONS, str(document))
    report.write_section("HTTP", "quick figures", quick=True)
    assert document.read_text() == before


def test_bench_sections_takes_the_section_of_any_run(document: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before, elsewhere = document.read_text(), tmp_path / "sections.md"
    monkeypatch.setenv(report.SECTIONS, str(elsewhere))
    report.write_section("HTTP", "quick figures", quick=True)
    report.write_section("Peer (Django + django-hordak)", "full figures")
    assert "## HTTP" in elsewhere.read_text() and "## Peer" in elsewhere.read_text()
    assert document.read_text() == before


def test_a_full_run_rewrites_its_own_section(document: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["bench/http_load.py"])
    report.write_section("HTTP", "new figures")
    assert "new figures" in document.read_text()
    assert "full figures" not in document.read_text()


def test_the_side_that_goes_first_alternates_round_by_round() -> None:
    assert [report.in_turn(i, ("vaani", "baseline")) for i in range(3)] == [
        ["vaani", "baseline"], ["baseline", "vaani"], ["vaani", "baseline"]]


def test_a_small_ratio_keeps_two_significant_digits_where_two_decimals_would_round_it_away() -> None:
    assert report.ratio_cell(0.55) == "0.55"
    assert report.ratio_cell(0.0143) == "0.014"
    assert report.ratio_cell(0.0159) == "0.016"
    assert report.spread(0.012, 0.45) == "0.012\N{EN DASH}0.45"
