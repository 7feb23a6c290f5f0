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
    for engine in engines:
        samples = []
        for i in range(20_000):
            row = Row(f"t{i}", now + timedelta(seconds=i), str(rng.randrange(CUSTOMERS)),
                      str(rng.randrange(PAYEES)), rng.randint(100, 500_000), 0)
            ctx = replayer.context(row)
            t0 = time.perf_counter()
            engine.assess(ctx)
            samples.append(time.perf_counter() - t0)
        q = statistics.quantiles(samples, n=100)
        print(f"{engine.name}: assessment p50 {statistics.median(samples) * 1e3:.3f} ms, "
              f"p99 {q[98] * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
