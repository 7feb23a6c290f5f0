"""The "History size" section of docs/benchmarks.md, from bench/history_size.py's rounds: how
the loads went, each figure at each size (the median of its rounds) with its ratio to fresh (the
median of the rounds' own ratios: a round measures every size, so a machine that changes speed
between rounds moves both sides of a ratio alike), and each target met or missed
by how much (the issue's targets: transfers at least 0.9x fresh, every read's cost independent
of the history before its range, statements over HTTP within 2x of in-process)."""

from __future__ import annotations

import statistics
import textwrap
from collections.abc import Sequence
from typing import Any

from bench.history_reads import BUDGET, CAP, REPEAT
from bench.report import Table, paired_ratio

TRANSFERS_AT_LEAST = 0.9
FLAT_WITHIN = 1.25  # a read counts as independent of history within this ratio to fresh (noise)
HTTP_WITHIN = 2.0

Figures = dict[int, dict[str, list[float]]]  # per size, per measure: a value per round


def size_name(size: int) -> str:
    return "fresh" if size == 0 else f"{size:,}"


def render(results: dict[str, tuple[Figures, dict[int, Any]]], reads: Sequence[str], *,
           load_before: float, load_after: float, recent: int, today: int, depth: int, rounds: int,
           transfers: int, kept: bool = False) -> str:
    loads = Table(["database", "size", "ledger entries", "customers", "customers and accounts s",
                   "history s", "verify s", "history s per million entries"])
    tables, verdicts = [], []
    for database, (figures, loaded) in results.items():
        for size, done in loaded.items():
            s = done.seconds
            per_million = f"{s['history'] / (done.entries / 1e6):.0f}" if size else "—"
            loads.add([database, size_name(size), f"{done.entries:,}", f"{len(done.people):,}",
                       f"{s['customers']:.0f}", f"{s['history']:.0f}", f"{s['verify']:.0f}",
                       per_million])
        table, missed = _figures(database, figures, reads)
        tables.append(f"{database}:\n\n{table}")
        verdicts += missed
    sizes = sorted(next(iter(results.values()))[0])
    verdict = ("Every target is met at every size measured." if not verdicts else
               "Targets missed:\n" + "\n".join(f"- {v}" for v in verdicts))
    checked = ("each was loaded once and kept (`bench/history_kept.py`), without the verification"
               if kept else "`ledger verify` and `audit verify` pass on each before it is measured")
    intro = f"""\
`bench/history_size.py`. One database per size, bulk-loaded by `bench/history_load.py`:
customers and their two accounts each made by the use cases (account opening with a deposit), two
years back; then completed transfers written in bulk (executemany on SQLite, COPY on PostgreSQL,
in transactions of 20,000 transfers, the full schema with every index and constraint), each with
its debit and credit (running `balance_after`, `posted_at` rising with the ledger's sequence) and
its hash-chained audit record; {checked}.
Sizes are ledger entries ({", ".join(size_name(s) for s in sizes)}). The reference
account (the reads' account) holds the same entries in every database: {recent:,} transfers in the
364 days before today and {today} earlier today; "fresh" holds only those, and each larger size
adds two years of transfers among all accounts (30 % of them on four busy accounts), the
reference account's only before its year. So a read that costs more on a larger database pays for
history before its range. Transfers: the use case in one worker process, {transfers:,} own-account
transfers of 40 customers with history per round. Reads: first page (20 entries) and a page
{depth:,} entries back of `GET /transactions`, statements for today and for 365 days (JSON),
through the use cases in-process and over HTTP (`vaani serve`, one worker, loopback, one
keep-alive connection, until the body's last byte); each the median of at least {REPEAT} calls (as
many as fit in {BUDGET:g} s, up to {CAP}) after a warming one. {rounds} rounds interleave the sizes,
in alternating order; medians of the rounds, and each ratio the median of the rounds' own
ratios. SQLite synchronous FULL, no ANALYZE (the project runs
none); PostgreSQL with default durability, VACUUM ANALYZE after the load (as autovacuum would).
Load average before: {load_before:.2f}, after: {load_after:.2f}. Targets: transfers ≥
{TRANSFERS_AT_LEAST}x fresh; each read within {FLAT_WITHIN}x fresh (its cost independent of the
history before its range, allowing for a shared machine's noise); statements over HTTP within
{HTTP_WITHIN:.0f}x in-process."""
    return f"""\
{textwrap.fill(" ".join(intro.split()), 99, break_on_hyphens=False)}

Loading (seconds; history: the bulk writes and the audit chain's hashing):

{loads.render()}

Medians in ms (transfers per second), ratio to fresh in brackets (the median of the rounds' own):

{chr(10).join(f"{t}{chr(10)}" for t in tables)}
{verdict}"""


def _figures(database: str, figures: Figures, reads: Sequence[str]) -> tuple[str, list[str]]:
    sizes = sorted(figures)
    table = Table(["measure", *(size_name(s) for s in sizes), "target"])
    missed = []
    rows = [("transfers/s", f"≥ {TRANSFERS_AT_LEAST}x fresh"), ("transfer p99", "")]
    rows += [(f"{read}, {way}", f"≤ {FLAT_WITHIN}x fresh")
             for read in reads for way in ("in-process", "HTTP")]
    for key, target in rows:
        cells = []
        for size in sizes:
            value = statistics.median(figures[size][key])
            ratio = paired_ratio(figures[size][key], figures[sizes[0]][key])[0]
            cells.append(f"{value:,.1f}" + (f" ({ratio:.2f}x)" if size else ""))
            if not size or not target:
                continue
            if ratio < TRANSFERS_AT_LEAST if key == "transfers/s" else ratio > FLAT_WITHIN:
                missed.append(f"{database}, {size_name(size)}: {key} at {ratio:.2f}x fresh")
        table.add([key, *cells, target])
    for read in reads:
        if not read.startswith("statement"):
            continue
        cells = []
        for size in sizes:
            ratio = paired_ratio(figures[size][f"{read}, HTTP"],
                                 figures[size][f"{read}, in-process"])[0]
            cells.append(f"{ratio:.2f}x")
            if ratio > HTTP_WITHIN:
                missed.append(f"{database}, {size_name(size)}: {read} over HTTP at {ratio:.2f}x "
                              "in-process")
        table.add([f"{read}, HTTP ÷ in-process", *cells, f"≤ {HTTP_WITHIN:.0f}x"])
    return table.render(), missed
