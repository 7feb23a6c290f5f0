"""A throwaway PostgreSQL cluster for the test session: initdb in a temp dir, 127.0.0.1 on a
free port, stopped and deleted afterwards. Runs the server as `postgres` when we are root."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def find_pg_bin() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    raise RuntimeError("PostgreSQL server binaries not found: run `make test` (it installs them) "
                       "or `apt-get install -y postgresql`")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_restarts: dict[str, Callable[[float], None]] = {}


def crash_and_restart(url: str, down_for: float = 0.0) -> None:
    """Stop the throwaway cluster serving `url` (or a database on it) as a crash would, wait
    `down_for` seconds, start it again."""
    server = url.rsplit("/", 1)[0] + "/postgres"
    _restarts[server](down_for)


@contextmanager
def throwaway_cluster(*, durable: bool = False, kept: Path | None = None) -> Iterator[str]:
    """Yields a postgresql+psycopg URL to the `postgres` database of a fresh cluster. Tests run
    without fsync; `durable` keeps PostgreSQL's defaults, for benchmarks and crash tests (with
    synchronous_commit off an acknowledged commit may be lost when the server dies). `kept`: the
    cluster lives in that folder and stays there, made on first use and started again on the
    next (a benchmark's database that takes an hour to load: bench/history_variants.py)."""
    pg_bin = find_pg_bin()
    root = kept or Path(tempfile.mkdtemp(prefix="vaani-pg-"))
    root.mkdir(parents=True, exist_ok=True)
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)

    if not (data / "PG_VERSION").exists():
        run(str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E",
            "UTF8", "--no-sync")
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    start = [str(pg_bin / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
             "-w", "start"]
    run(*start)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def crash_and_restart(down_for: float = 0.0) -> None:
        # `-m immediate` is the crash: no checkpoint, recovery replays the WAL on start.
        run(str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        time.sleep(down_for)
        run(*start)

    _restarts[url] = crash_and_restart
    try:
        yield url
    finally:
        _restarts.pop(url, None)
        subprocess.run([*as_user, str(pg_bin / "pg_ctl"), "-D", str(data), "-m",
                        "fast" if kept else "immediate", "-w", "stop"], capture_output=True,
                       timeout=600)
        if kept is None:
            shutil.rmtree(root, ignore_errors=True)
