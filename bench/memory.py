"""Where a warm worker's memory goes (a benchmark, not a test): real workers on loopback over a
temporary demo bank, warmed by a customer's day over HTTP (bench/memory_warm.py), then measured
from /proc/<pid>/smaps_rollup: RSS, USS (private) and PSS (shared pages split between the
processes that map them). The same worker is taken apart stage by stage in fresh interpreters
(bench/memory_stages.py), and the engine the bank served before, and the ways to a smaller worker,
are served and measured the same way: a lighter speaker engine (bench/numpy_voice.py), fork after
load, malloc settings.
Full mode writes the "Memory" section of docs/benchmarks.md; --quick prints it.
Run: PYTHONPATH=. .venv/bin/python bench/memory.py [--quick]"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.memory_prose import FIXED_MMAP, section
from bench.memory_stages import HEAVY_THREADS, libraries_from_disk
from bench.memory_warm import CLI, bank, clips, served, settled, warm
from bench.report import write_section

QUICK = "--quick" in sys.argv
ROUNDS = 1 if QUICK else 3
DEV = Path(os.environ.get("VOICE_DEV", "../shared/voice/dev"))
PORT = 8797
# (key, label, engine: "serve" is `vaani serve` itself, else bench/memory_worker.py's, workers,
#  forked after load, extra environment)
CONFIGS: list[tuple[str, str, str, int, bool, dict[str, str]]] = [
    ("today", "`vaani serve`, 1 worker (today)", "serve", 1, False, {}),  # bench/readme_figures.py
    ("today2", "`vaani serve --workers 2`", "serve", 2, False, {}),
    ("fixed", "`vaani serve`, fixed mmap threshold", "serve", 1, False, FIXED_MMAP),
    ("fixed2", "`vaani serve --workers 2`, fixed mmap threshold", "serve", 2, False, FIXED_MMAP),
    ("before", "before: resemblyzer's own pipeline (librosa)", "reference", 1, False, {}),
    ("fork", "engine loaded once, 2 workers forked after", "serve", 2, True, {}),
    ("numpy", "numpy encoder (no torch), fixed mmap threshold", "numpy", 1, False, FIXED_MMAP),
]
if QUICK:
    CONFIGS = CONFIGS[:1]


def command(engine: str, workers: int, forked: bool, weights: Path) -> list[str]:
    if engine == "serve" and not forked:
        return [*CLI, "serve", "--port", str(PORT), "--workers", str(workers)]
    return [sys.executable, "-m", "bench.memory_worker", engine, str(PORT),
            str(workers if forked else 0), str(weights)]


def stages(engine: str, env: dict[str, str], weights: Path) -> list[dict[str, Any]]:
    """The stage chain of bench/memory_stages.py in a fresh interpreter."""
    libraries_from_disk()
    out = subprocess.run([sys.executable, "-m", "bench.memory_stages", engine, str(weights)],  # noqa: S603 (this interpreter)
                         env=env, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def engines_agree(weights: Path, recordings: list[bytes]) -> dict[str, dict[str, float]]:
    """Each engine's embeddings against the one before's on the same recordings (largest
    1 - cosine), and each one's in-process analysis time (decode, VAD, embedding; medians,
    interleaved, the order turning by one each recording)."""
    from bench.memory_stages import engine_named

    engines = {name: engine_named(name, weights) for name in ("reference", "serve", "numpy")}
    for engine in engines.values():
        engine.warm_up()
    times: dict[str, list[float]] = {name: [] for name in engines}
    gaps: dict[str, float] = {name: 0.0 for name in engines}
    names = list(engines)
    for i, clip in enumerate(recordings):
        embeddings = {}
        for name in names[i % 3:] + names[:i % 3]:
            started = time.perf_counter()
            embeddings[name] = np.array(engines[name].analyse(clip).embedding)
            times[name].append(time.perf_counter() - started)
        for name in names:
            gaps[name] = max(gaps[name], float(1 - embeddings["reference"] @ embeddings[name]))
    return {name: {"gap": gaps[name], "p50": statistics.median(times[name]) * 1e3,
                   "clips": len(recordings)} for name in engines}


def main() -> None:
    from bench.numpy_voice import export

    recordings = clips(DEV / "allison_en", 3 + 3 * ROUNDS)
    served_rows: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        weights = workdir / "ge2e-256.npz"
        export(weights)
        (workdir / "probe").mkdir()
        probe_env = bank(workdir / "probe")[0]
        chains = {e: stages(e, probe_env, weights)
                  for e in (["serve"] if QUICK else ["serve", "reference", "numpy", "none"])}
        for key, label, engine, workers, forked, extra in CONFIGS:
            run = workdir / f"run{len(served_rows)}"
            run.mkdir()
            env, customer = bank(run)
            libraries_from_disk()
            with served(command(engine, workers, forked, weights), {**env, **extra}, PORT) as pid:
                ready = settled(pid, workers)
                statuses = warm(PORT, customer, recordings, ROUNDS)
                served_rows[key] = {"label": label, "ready": ready, "warm": settled(pid, workers),
                                    "statuses": dict(sorted(statuses.items()))}
            print(f"{label}: ready {ready['rss']:.0f} MiB, warm {served_rows[key]['warm']}, "
                  f"HTTP statuses {served_rows[key]['statuses']}", flush=True)
        agree = engines_agree(weights, clips(DEV / "carlo_it", 4 if QUICK else 12))
    print("raw:", json.dumps({"rows": served_rows, "chains": chains, "agree": agree}), flush=True)
    body = section(served_rows, chains, agree, ROUNDS, len(recordings) - 3, HEAVY_THREADS)
    if QUICK:
        print(body)
    else:
        write_section("Memory", body)


if __name__ == "__main__":
    main()
