"""Where a warm worker's memory goes (a benchmark, not a test): real workers on loopback over a
temporary demo bank, warmed by a customer's day over HTTP (bench/memory_warm.py), then measured
from /proc/<pid>/smaps_rollup: RSS, USS (private) and PSS (shared pages split between the
processes that map them). The same worker is taken apart stage by stage in fresh interpreters
(bench/memory_stages.py), and the ways to a smaller worker are served and measured the same way:
a lighter speaker engine (bench/numpy_voice.py), fork after load, malloc settings.
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

from bench.memory_prose import FIXED_MMAP, prose
from bench.memory_warm import CLI, bank, clips, measure, served, warm
from bench.report import Table, write_section

QUICK = "--quick" in sys.argv
ROUNDS = 1 if QUICK else 3
DEV = Path(os.environ.get("VOICE_DEV", "../shared/voice/dev"))
PORT = 8797
# (label, engine: "serve" is `vaani serve` itself, else bench/memory_worker.py's, workers, forked,
#  extra environment)
CONFIGS: list[tuple[str, str, int, bool, dict[str, str]]] = [
    ("`vaani serve`, 1 worker (today)", "serve", 1, False, {}),
    ("`vaani serve --workers 2`", "serve", 2, False, {}),
    ("`vaani serve`, MALLOC_ARENA_MAX=2", "serve", 1, False, {"MALLOC_ARENA_MAX": "2"}),
    ("`vaani serve`, fixed mmap threshold", "serve", 1, False, FIXED_MMAP),
    ("torch engine loaded once, 2 workers forked after", "torch", 2, True, {}),
    ("torch LSTM, numpy front end (no librosa)", "torch-lean", 1, False, {}),
    ("numpy encoder (no torch, no librosa)", "numpy", 1, False, {}),
    ("numpy encoder, fixed mmap threshold", "numpy", 1, False, FIXED_MMAP),
    ("numpy encoder, fixed mmap threshold, 2 forked workers", "numpy", 2, True, FIXED_MMAP),
]
if QUICK:
    CONFIGS = CONFIGS[:1]


def command(engine: str, workers: int, forked: bool, weights: Path) -> list[str]:
    if engine == "serve":
        return [*CLI, "serve", "--port", str(PORT), "--workers", str(workers)]
    return [sys.executable, "-m", "bench.memory_worker", engine, str(PORT),
            str(workers if forked else 0), str(weights)]


def stages(engine: str, env: dict[str, str], weights: Path) -> list[dict[str, Any]]:
    """The stage chain of bench/memory_stages.py in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-m", "bench.memory_stages", engine, str(weights)],
                         env=env, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def engines_agree(weights: Path, recordings: list[bytes]) -> dict[str, dict[str, float]]:
    """Each engine's embeddings against today's on the same recordings (largest 1 - cosine),
    and each one's in-process analysis time (decode, VAD, embedding; medians, interleaved)."""
    from adapters.voice.resemblyzer_engine import ResemblyzerVoiceEngine
    from bench.numpy_voice import NumpyEncoder, NumpyVoiceEngine, TorchLstmEncoder

    engines = {"torch": ResemblyzerVoiceEngine(),
               "torch-lean": NumpyVoiceEngine(weights, TorchLstmEncoder),
               "numpy": NumpyVoiceEngine(weights, NumpyEncoder)}
    for engine in engines.values():
        engine.warm_up()
    times: dict[str, list[float]] = {name: [] for name in engines}
    gaps: dict[str, float] = {name: 0.0 for name in engines}
    for clip in recordings:
        today = None
        for name, engine in engines.items():
            started = time.perf_counter()
            embedding = np.array(engine.analyse(clip).embedding)
            times[name].append(time.perf_counter() - started)
            today = embedding if today is None else today
            gaps[name] = max(gaps[name], float(1 - today @ embedding))
    return {name: {"gap": gaps[name], "p50": statistics.median(times[name]) * 1e3}
            for name in engines}


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
                  for e in (["torch"] if QUICK else ["torch", "torch-lean", "numpy", "none"])}
        for label, engine, workers, forked, extra in CONFIGS:
            run = workdir / f"run{len(served_rows)}"
            run.mkdir()
            env, customer = bank(run)
            with served(command(engine, workers, forked, weights), {**env, **extra}, PORT) as pid:
                time.sleep(1)
                ready = measure(pid)
                statuses = warm(PORT, customer, recordings, ROUNDS)
                time.sleep(1)
                served_rows[label] = {"ready": ready, "warm": measure(pid),
                                      "statuses": dict(sorted(statuses.items()))}
            print(f"{label}: ready {ready['rss']:.0f} MiB, warm {served_rows[label]['warm']}, "
                  f"HTTP statuses {served_rows[label]['statuses']}", flush=True)
        agree = engines_agree(weights, clips(DEV / "carlo_it", 4 if QUICK else 12))
    print("raw:", json.dumps({"rows": served_rows, "chains": chains, "agree": agree}), flush=True)
    body = report(served_rows, chains, agree)
    if QUICK:
        print(body)
    else:
        write_section("Memory", body)


def report(rows: dict[str, dict[str, Any]], chains: dict[str, list[dict[str, Any]]],
           agree: dict[str, dict[str, float]]) -> str:
    served_table = Table(["worker", "workers", "RSS ready", "RSS warm", "USS warm",
                          "PSS warm per worker", "threads"])
    for label, row in rows.items():
        w = row["warm"]
        served_table.add([label, f"{w['workers']:.0f}", f"{row['ready']['rss']:.0f}",
                          f"{w['rss']:.0f}", f"{w['uss']:.0f}", f"{w['pss']:.0f}",
                          f"{w['threads']:.0f}"])
    stage_table = Table(["stage (cumulative, fresh interpreter)", "RSS", "added", "of it anonymous"])
    previous = {"rss": 0.0, "anon": 0.0}
    for stage in chains["torch"]:
        stage_table.add([stage["stage"], f"{stage['rss']:.0f}", f"{stage['rss'] - previous['rss']:+.0f}",
                         f"{stage['anon'] - previous['anon']:+.0f}"])
        previous = stage
    return prose(served_table.render(), stage_table.render(), rows, chains, agree, ROUNDS)


if __name__ == "__main__":
    main()
