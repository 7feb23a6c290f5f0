"""Fraud assessment latency with a 1-million-transaction history (a benchmark, not a test).
Profiles are incremental, so an assessment's cost does not grow with the history.
Run: PYTHONPATH=. .venv/bin/python bench/fraud_latency.py [MODEL.json]"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.fraud.composite import CompositeEngine
from adapters.fraud.config import load_rules
from adapters.fraud.logistic import LogisticModel
from adapters.fraud.replay import Replayer, Row
from adapters.fraud.rules import RulesEngine
from application.fraud import FraudContext
from bench.report import Table, ratio_cell, time_in_turn, write_section

HISTORY = 1_000_000
CUSTOMERS, PAYEES = 20_000, 5_000


def main() -> None:
    rng = random.Random(1)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    replayer = Replayer()
    began = time.perf_counter()
    for i in range(HISTORY):
        row = Row(str(i), start + timedelta(seconds=i * 2.6), str(rng.randrange(CUSTOMERS)),
                  str(rng.randrange(PAYEES)), rng.randint(100, 500_000), int(rng.random() < 0.01))
        replayer.observe(row, replayer.context(row))
    print(f"history of {HISTORY:,} transactions folded into profiles in "
          f"{time.perf_counter() - began:.0f} s")
    engines = [RulesEngine(load_rules())]
    if len(sys.argv) > 1:
        engines.append(CompositeEngine(load_rules(), LogisticModel.load(Path(sys.argv[1]))))
    now = start + timedelta(seconds=HISTORY * 2.6)
    table = Table(["engine", "p50 ms", "p99 ms", "hand-written check p50 ms",
                   "hand-written p99 ms", "ratio (p50)"])
    for engine in engines:
        samples, baseline = [], []
        for i in range(20_000):  # interleaved: each context scored by both
            row = Row(f"t{i}", now + timedelta(seconds=i), str(rng.randrange(CUSTOMERS)),
                      str(rng.randrange(PAYEES)), rng.randint(100, 500_000), 0)
            ctx = replayer.context(row)
            time_in_turn(i, {"engine": lambda: engine.assess(ctx),  # noqa: B023 (called now)
                             "check": lambda: hand_written_check(ctx)},  # noqa: B023
                         {"engine": samples, "check": baseline})  # each first every other time
        q, b = statistics.quantiles(samples, n=100), statistics.quantiles(baseline, n=100)
        p50, base50 = statistics.median(samples) * 1e3, statistics.median(baseline) * 1e3
        print(f"{engine.name}: assessment p50 {p50:.3f} ms, p99 {q[98] * 1e3:.3f} ms "
              f"(hand-written check p50 {base50:.3f} ms)")
        table.add([engine.name, f"{p50:.3f}", f"{q[98] * 1e3:.3f}", f"{base50:.3f}",
                   f"{b[98] * 1e3:.3f}", ratio_cell(base50 / p50)])
    write_section("Fraud", f"""\
`bench/fraud_latency.py`: a history of {HISTORY:,} transactions ({CUSTOMERS:,} customers,
{PAYEES:,} payees) folded into the incremental profiles, then 20,000 assessments, each timed
next to the baseline on the same context, each of the two going first every other context.
Profiles are incremental, so the cost does not grow with the history.

The baseline is a hand-written two-rule check on the same profile — hourly velocity (the
customer's payments in the last hour from its window) and a fixed amount limit — the least a
screen can do: no rule file, no scores or contributions, no model.

{table.render()}""")


def hand_written_check(ctx: FraudContext) -> bool:
    count, _ = ctx.customer.window(ctx.now, timedelta(hours=1))
    return count > 5 or ctx.amount.minor > 5_000_000


if __name__ == "__main__":
    main()
