"""The Memory section of docs/benchmarks.md (bench/memory.py): its tables and its prose, every
figure taken from the run that writes it."""

from __future__ import annotations

import re
import textwrap
from typing import Any

from bench.report import Table

# Blocks of 1 MiB and more always mmap'd and given back on free. glibc otherwise raises its mmap
# threshold to the size of the first large block freed (argon2id's), and then every thread's
# arena keeps one such block. Setting it also turns the dynamic threshold off.
FIXED_MMAP = {"MALLOC_MMAP_THRESHOLD_": "1048576"}
# (engine, label, row served plain, row served with the fixed threshold)
ENGINES = [("serve", "served: resemblyzer's network in torch, numpy front end", "today", "fixed"),
           ("reference", "before: resemblyzer's own pipeline (torch, librosa)", "before", ""),
           ("numpy", "prototype: numpy encoder, no torch", "", "numpy"),
           ("none", "no speaker engine in the worker", "", "")]


def _stage(chain: list[dict[str, Any]], prefix: str) -> tuple[float, float]:
    """(RSS, RSS added by it) at the first stage whose name starts with `prefix`."""
    for i, stage in enumerate(chain):
        if stage["stage"].startswith(prefix):
            return stage["rss"], stage["rss"] - (chain[i - 1]["rss"] if i else 0.0)
    raise KeyError(prefix)


def tables(rows: dict[str, dict[str, Any]], chains: dict[str, list[dict[str, Any]]],
           agree: dict[str, dict[str, float]]) -> list[str]:
    served = Table(["worker", "workers", "RSS ready", "RSS warm", "USS warm", "PSS warm per worker",
                    "threads"])
    for row in rows.values():
        w = row["warm"]
        served.add([row["label"], f"{w['workers']:.0f}", f"{row['ready']['rss']:.0f}",
                    f"{w['rss']:.0f}", f"{w['uss']:.0f}", f"{w['pss']:.0f}", f"{w['threads']:.0f}"])
    stages = Table(["stage (cumulative, one fresh interpreter)", "RSS", "added", "of it anonymous"])
    previous = {"rss": 0.0, "anon": 0.0}
    warm = {"stage": "the served worker, warm (first table)", **rows["today"]["warm"]}
    for stage in [*chains["serve"], warm]:
        stages.add([stage["stage"], f"{stage['rss']:.0f}", f"{stage['rss'] - previous['rss']:+.0f}",
                    f"{stage['anon'] - previous['anon']:+.0f}"])
        previous = stage
    out = [served.render(), stages.render()]
    if len(chains) > 1:
        options = Table(["speaker engine", "fresh interpreter, app built", "after argon2id",
                         "served warm", "served warm, fixed threshold", "1 - cosine to before",
                         "analysis p50 ms (3 s)"])
        for engine, label, plain, fixed in ENGINES:
            at = [f"{rows[k]['warm']['rss']:.0f}" if k in rows else "" for k in (plain, fixed)]
            same = agree.get(engine)
            options.add([label, f"{_stage(chains[engine], 'password')[0]:.0f}",
                         f"{chains[engine][-1]['rss']:.0f}", *at,
                         f"{same['gap']:.0e}" if same and engine != "reference" else "",
                         f"{same['p50']:.0f}" if same else ""])
        out.append(options.render())
    return out


def _reflow(text: str) -> str:
    """Paragraphs and numbered items filled to 100 columns; tables left as they are."""
    blocks = []
    for block in text.split("\n\n"):
        if block.startswith("|"):
            blocks.append(block)
            continue
        items: list[list[str]] = [[]]
        for line in block.splitlines():
            if line.startswith(f"{len(items)}. "):  # the next item of a numbered list
                items.append([])
            items[-1].append(line.strip())
        blocks.append("\n".join(
            textwrap.fill(" ".join(item), 100, break_on_hyphens=False,
                          subsequent_indent="   " if re.match(r"\d+\. ", item[0]) else "")
            for item in items if item))
    return "\n\n".join(blocks)


def section(rows: dict[str, dict[str, Any]], chains: dict[str, list[dict[str, Any]]],
            agree: dict[str, dict[str, float]], rounds: int, voiced: int, heavy: int) -> str:
    served, stages, *options = tables(rows, chains, agree)
    chain = chains["serve"]
    f = {name: _stage(chain, prefix)[1] for name, prefix in [
        ("torch", "torch"), ("model", "speaker model"), ("first", "first embedding"),
        ("sql", "sqlalchemy"), ("app", "starlette"), ("deny", "password"), ("argon2", "argon2")]}
    f["torch_anon"] = chain[2]["anon"] - chain[1]["anon"]
    head = f"""\
`bench/memory.py`: a real worker on loopback over a temporary SQLite demo bank (`vaani db upgrade`,
`vaani seed demo`; device keys optional so the voice path runs without a signing client), warmed
over HTTP by {rounds} rounds of a customer's day (a password login, 10 transfers, a page of
transactions, a 90-day statement; one voice enrolment of 3 x 3 s and {voiced} voice logins in all,
each heard by the speaker model and the digit recogniser, then refused for want of the spoken
challenge's digits, which a client without a key is never given), each request on a new connection
so that every worker gets some, then read from `/proc/<pid>/smaps_rollup` once its memory stops
moving. RSS is the README's figure and the one the 400 MiB target is about. USS is the worker's
private part; PSS splits shared pages between the processes mapping them, summed here over the
server's processes (supervisor included) and divided by its workers. USS and PSS also share library
pages with any other process of the machine that maps the same files (other runs of this
virtualenv's torch), so only RSS compares across runs. Before each server and each stage chain
starts, the virtualenv's shared libraries are dropped from the page cache, so that every run maps
them as read from disk: a library pip has just written (a fresh clone's) sits in the cache in large
blocks that a process maps whole, some 35 MiB more RSS for `import torch` alone. MiB throughout.

{served}

Where it goes: the served worker rebuilt in one fresh interpreter, one more piece per stage, in
this order ("anonymous" is memory no other process can share; the rest is library pages, which
workers on one machine share):

{stages}"""
    if not options:
        return _reflow(head + "\n\n(--quick: the engine before, the prototypes and malloc settings "
                       "are measured in full mode.)")
    r = {k: v["warm"]["rss"] for k, v in rows.items()}
    a = agree
    before_first = _stage(chains["reference"], "first embedding")[1]
    fork = "within" if r["fork"] <= 400 else "above"
    return _reflow(head + f"""

The served engine (`adapters/voice/resemblyzer_engine.py`) runs resemblyzer's network (its 3-layer
LSTM and linear layer, with the weights its wheel ships) in torch, and computes what the network
hears in numpy (`adapters/voice/ge2e_features.py`): soxr resampling (librosa's own resampler),
webrtcvad's silence trimming, and the mel spectrogram with librosa's filterbank, computed at load.
librosa, numba and scipy are never imported in a worker. The engine before it, resemblyzer's own
pipeline, computed the mel spectrogram with librosa, whose first call loads numba, llvmlite and
scipy.signal and compiles its kernels: {before_first:.0f} on its first embedding. A worker warm
went from {r['before']:.0f} to {r['today']:.0f} with the same embeddings (1 - cosine at most
{a['serve']['gap']:.0e} on {a['serve']['clips']:.0f} recordings of another speaker), and the
analysis of 3 s from {a['reference']['p50']:.0f} to {a['serve']['p50']:.0f} ms (decode, voice
activity detection and embedding in-process, interleaved, so the ratio holds on a loaded machine):

{options[0]}

torch's import is {f['torch']:.0f} ({f['torch_anon']:.0f} of it anonymous, its start-up's own
allocations and relocated tables); the speaker model and its first embedding {f['model']:.0f} and
{f['first']:.0f}; SQLAlchemy, psycopg and Alembic {f['sql']:.0f}; the built application
{f['app']:.0f} and the password deny-list {f['deny']:.0f}. argon2id's 19 MiB block stays resident
once per thread that hashed ({f['argon2']:.0f} on {heavy} threads, `VAANI_HTTP_HEAVY_THREADS`'
default here, min(cores, 4)): after the first block is freed glibc raises its mmap threshold to
that size, and later blocks come from, and stay in, each thread's arena. A fixed threshold in the
service's environment (`{next(iter(FIXED_MMAP))}=1048576`, glibc's own variable) gives the blocks
back: {r['fixed']:.0f} warm against {r['today']:.0f} with one worker, {r['fixed2']:.0f} against
{r['today2']:.0f} with two. The worker's warm figure moves with what its warm-up did and with the
machine's cores: {rows['today']['ready']['rss']:.0f} here once started, {r['today']:.0f} after the
warm-up above.

Further, each measured above: fork after load (one engine loaded, {rows['fork']['warm']['workers']:.0f}
workers forked from it) puts each worker at {r['fork']:.0f} RSS and {rows['fork']['warm']['pss']:.0f}
PSS ({rows['fork']['warm']['uss']:.0f} of it private), {fork} the target, but uvicorn spawns its
workers rather than forking them, so it needs a supervisor of Vaani's own (`bench/memory_worker.py`
is one). Replacing torch with the numpy LSTM (`bench/numpy_voice.py`, a prototype) takes a worker to
{r['numpy']:.0f} with the fixed threshold, at {a['numpy']['p50'] / a['serve']['p50']:.1f}x the
served engine's analysis time. The torch wheel is already the CPU-only build. A separate voice
process saves the engine in every worker ({_stage(chains['none'], 'password')[0]:.0f} without it,
fresh interpreter) for one engine per machine, at a call across processes per voice request.""")
