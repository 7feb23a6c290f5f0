"""Resident memory by stage in one fresh interpreter, for bench/memory.py: each stage loads one
more piece of a worker, in the order given, and one JSON line per stage reports the process's
memory after it. Engines: `serve` (the bank's), `reference` (resemblyzer's own pipeline, the
engine before), `numpy` (no torch) or `none` (bench/numpy_voice.py).
Run: PYTHONPATH=. python -m bench.memory_stages serve|reference|numpy|none [weights.npz]
with the VAANI_* environment of a prepared database (the app stage builds a real container)."""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HEAVY_THREADS = min(os.cpu_count() or 2, 4)  # VAANI_HTTP_HEAVY_THREADS' default: argon2's threads


def rollup(pid: int | str = "self") -> dict[str, float]:
    """RSS, PSS, USS (private clean + dirty) and anonymous memory in MiB, from smaps_rollup."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value)
    mib = {"rss": fields["Rss"], "pss": fields["Pss"], "anon": fields["Anonymous"],
           "uss": fields["Private_Clean"] + fields["Private_Dirty"]}
    return {k: v / 1024 for k, v in mib.items()}


def libraries_from_disk() -> int:
    """Drops the virtualenv's shared libraries from the page cache (posix_fadvise DONTNEED: only
    pages no process maps, so nothing running is touched) and says how many files. A library
    pip has just written sits in the cache in large blocks, and a process mapping it gets whole
    blocks resident: `import torch` alone is some 35 MiB more RSS in a fresh clone's virtualenv
    than once its files have been read back from disk. Without this a fresh clone measures more
    than a second run of the same code."""
    count = 0
    for path in Path(sys.prefix).glob("lib/python*/site-packages/**/*.so*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
            count += 1
    return count


def _report(stage: str) -> None:
    threads = len(os.listdir("/proc/self/task"))
    print(json.dumps({"stage": stage, "threads": threads, **rollup()}), flush=True)


def engine_named(voice: str, weights: Path | None) -> Any:
    """The served engine ("serve"), the one before it ("reference") or the numpy prototype."""
    if voice == "serve":
        from adapters.voice.resemblyzer_engine import ResemblyzerVoiceEngine

        return ResemblyzerVoiceEngine()
    if voice == "reference":
        from bench.numpy_voice import ReferenceEngine

        return ReferenceEngine()
    from bench.numpy_voice import NumpyVoiceEngine

    assert weights is not None, "the numpy engine needs the weights file of numpy_voice.export"
    return NumpyVoiceEngine(weights)


def _stages(voice: str, weights: Path | None) -> list[tuple[str, Callable[[dict[str, Any]], Any]]]:
    def torch_import(state: dict[str, Any]) -> None:
        import torch

        torch.set_num_threads(1)  # as the engine does

    def resemblyzer_import(state: dict[str, Any]) -> None:
        import resemblyzer  # noqa: F401  (librosa, scipy.ndimage, webrtcvad with it)

    def model(state: dict[str, Any]) -> None:
        state["engine"] = engine_named(voice, weights)
        state["engine"]._load()

    def warm(state: dict[str, Any]) -> None:
        state["engine"].warm_up()

    def sql(state: dict[str, Any]) -> None:
        import alembic.command  # noqa: F401
        import psycopg  # noqa: F401
        import sqlalchemy  # noqa: F401

    def app(state: dict[str, Any]) -> None:
        from entrypoints.bootstrap import bootstrap
        from entrypoints.http.serving import ready_app
        from entrypoints.settings import load_settings

        wired = bootstrap(load_settings(require_token_secret=True), voice_engine=state.get("engine"))
        if "engine" not in state:  # voice elsewhere: this worker never loads the model
            from application.ports import VoiceEngine

            wired.resolve(VoiceEngine).warm_up = lambda: None
        state["app"] = ready_app(wired)

    def deny_list(state: dict[str, Any]) -> None:
        from application.use_cases.password_policy import common_passwords

        common_passwords()

    def argon2(state: dict[str, Any]) -> None:
        from adapters.security import Argon2Hasher

        hasher = Argon2Hasher()  # the production cost, on as many threads as logins hash on
        with ThreadPoolExecutor(HEAVY_THREADS) as pool:
            list(pool.map(hasher.hash, [f"bench passphrase {i}" for i in range(4 * HEAVY_THREADS)]))

    chain: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [("python", lambda s: None),
                                                              ("numpy", lambda s: __import__("numpy"))]
    if voice == "reference":
        chain += [("torch (import, one thread)", torch_import),
                  ("resemblyzer, librosa, scipy (import)", resemblyzer_import),
                  ("speaker model loaded", model),
                  ("first embedding (librosa's numba kernels)", warm)]
    elif voice == "serve":
        chain += [("torch (import, one thread)", torch_import),
                  ("speaker model loaded (torch LSTM, numpy mel)", model),
                  ("first embedding (soxr, webrtcvad)", warm)]
    elif voice == "numpy":
        chain += [("speaker model loaded (numpy, no torch)", model),
                  ("first embedding (soxr, webrtcvad)", warm)]
    return [*chain, ("sqlalchemy, psycopg, alembic", sql),
            ("starlette app built (container, routes)", app),
            ("password deny-list", deny_list),
            (f"argon2id hashes on {HEAVY_THREADS} threads", argon2)]


def main() -> None:
    warnings.simplefilter("ignore")  # pkg_resources and scipy notices on import
    voice = sys.argv[1]
    weights = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    state: dict[str, Any] = {}
    for stage, step in _stages(voice, weights):
        step(state)
        _report(stage)


if __name__ == "__main__":
    main()
