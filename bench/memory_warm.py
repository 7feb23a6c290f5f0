"""Serving and warming a worker for bench/memory.py: a temporary SQLite bank with the demo
customers, a server started on loopback, and the warm-up a customer's day makes (password
logins, transfers, a page of transactions, a statement, a voice enrolment and voice logins), each
request on a new connection so that every worker of a multi-process server gets some."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
import numpy as np
import soundfile as sf

from bench.memory_stages import rollup

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "entrypoints.cli.app"]


def bank(workdir: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """The environment of a demo bank in `workdir` (as `make run` prepares it) and its first
    customer. Device keys are optional so that the voice path runs without a signing client."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VAANI_DEMO": "1",
           "VAANI_DATABASE_URL": f"sqlite:///{workdir / 'vaani.db'}", "VAANI_DEVICE_KEYS": "optional",
           "VAANI_AUTH_RATE_PER_IP": "100000", "VAANI_LOGIN_RATE_PER_CUSTOMER": "100000"}
    subprocess.run([*CLI, "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603 (our own CLI)
    seeded = subprocess.run([*CLI, "seed", "demo", "--json"], env=env, check=True,  # noqa: S603
                            capture_output=True, text=True)
    return env, json.loads(seeded.stdout)["customers"][0]


def clips(folder: Path, count: int) -> list[bytes]:
    """`count` different 3 s recordings of one speaker, as WAV (replay defence refuses repeats)."""
    out = []
    for path in sorted(folder.glob("*.wav"))[:count]:
        data, rate = sf.read(path, dtype="float32")
        buffer = io.BytesIO()
        sf.write(buffer, data[: 3 * rate], rate, format="WAV", subtype="PCM_16")
        out.append(buffer.getvalue())
    if len(out) < count:
        raise SystemExit(f"{folder} has fewer than {count} recordings: set VOICE_DEV to the "
                         "folder of speakers (../shared/voice/dev from the repository)")
    return out


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def worker_pids(root: int) -> list[int]:
    """The processes that serve: the root itself, or its children when it supervises workers
    (multiprocessing's resource tracker is no worker)."""
    kids = [c for c in _children(root)
            if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]
    return kids or [root]


@contextmanager
def served(command: list[str], env: dict[str, str], port: int) -> Iterator[int]:
    """Start `command` (which serves on `port`), wait for /health, yield its pid, stop it."""
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,  # noqa: S603 (our own server)
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(1200):
            if server.poll() is not None:
                raise RuntimeError(f"{command} exited with {server.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield server.pid
    finally:
        server.terminate()
        server.wait(30)


def warm(port: int, customer: dict[str, Any], recordings: list[bytes], rounds: int) -> Counter[int]:
    """The warm-up; the status codes it met (a 5xx fails the benchmark)."""
    api = f"http://127.0.0.1:{port}/api/v1"
    number, statuses = customer["customer_number"], Counter[int]()
    source, target = (a["account_number"] for a in customer["accounts"][:2])
    with httpx.Client(timeout=120, limits=httpx.Limits(max_keepalive_connections=0)) as http:
        def call(method: str, path: str, **kwargs: Any) -> Any:
            response = http.request(method, f"{api}{path}", **kwargs)
            statuses[response.status_code] += 1
            assert response.status_code < 500, response.text
            json_body = response.headers.get("content-type", "").startswith("application/json")
            return response.json() if json_body else None

        def login(device: str, **factor: Any) -> dict[str, str]:
            token = call("POST", "/auth/login", json={
                "customer_number": number, "device": {"identifier": device}, **factor})
            return {"Authorization": f"Bearer {(token or {}).get('access_token')}"}

        voiced, today = recordings[3:], date.today()
        for r in range(rounds):
            auth = login(f"bench-memory-{r}", method="password", password=customer["password"])
            call("GET", "/accounts", headers=auth)
            for i in range(10):
                call("POST", f"/accounts/{source}/transfer",
                     headers={**auth, "Idempotency-Key": f"memory-{r}-{i}"},
                     json={"to_account_number": target, "description": "bench",
                           "amount": {"amount": "1.00", "currency": "INR"}})
            call("GET", f"/accounts/{source}/transactions?limit=50", headers=auth)
            call("POST", f"/accounts/{source}/statement/download", headers=auth,
                 json={"from": str(today - timedelta(days=90)), "to": str(today), "format": "csv"})
            if r == 0:
                device = call("GET", "/device-bindings", headers=auth)["items"][0]["id"]
                call("POST", f"/device-bindings/{device}/voice", headers=auth,
                     json={"samples": [base64.b64encode(c).decode() for c in recordings[:3]]})
            for sample in voiced[r::rounds]:
                login("bench-memory-0", method="voice", voice_sample=base64.b64encode(sample).decode())
    return statuses


def settled(root: int, workers: int) -> dict[str, float]:
    """`measure` once every worker is up and its memory has stopped moving (a worker's start,
    its model's load and warm-up, go on after the first one answers /health)."""
    last: dict[str, float] = {}
    for _ in range(120):
        time.sleep(2)
        try:
            now = measure(root)
        except FileNotFoundError:  # a process of the server came or went meanwhile
            continue
        if now["workers"] == workers and abs(now["rss"] - last.get("rss", 0.0)) < 1:
            return now
        last = now
    raise RuntimeError(f"the server's {workers} workers did not settle: {last}")


def measure(root: int) -> dict[str, float]:
    """Per worker: mean RSS, USS and threads of the workers, and the PSS of every process of the
    server (supervisor included) divided by the workers: what each worker costs the machine."""
    workers = worker_pids(root)
    tree = {root, *workers, *_children(root)}
    rows = [rollup(pid) for pid in workers]
    mean = {k: float(np.mean([r[k] for r in rows])) for k in ("rss", "uss", "anon")}
    mean["pss"] = sum(rollup(pid)["pss"] for pid in tree) / len(workers)
    mean["threads"] = float(np.mean([len(os.listdir(f"/proc/{p}/task")) for p in workers]))
    mean["workers"] = len(workers)
    return mean
