"""`vaani serve` as a real process on loopback, for the reliability suite: started, killed with
SIGKILL mid-load, restarted on the same database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, env: dict[str, str], workers: int = 1) -> None:
        self.env = {**os.environ, **env}
        self.env.pop("VAANI_DEMO", None)
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None
        # The server's own log, so a failing test can show what the server saw.
        handle, self._log = tempfile.mkstemp(prefix="vaani-live-", suffix=".log")
        os.close(handle)

    def log_tail(self, lines: int = 60) -> str:
        with open(self._log, encoding="utf-8", errors="replace") as log:
            return "".join(log.readlines()[-lines:])

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "entrypoints.cli.app", *args], env=self.env,
                              capture_output=True, text=True, timeout=300)

    def start(self) -> None:
        # A session of its own, so SIGKILL reaches uvicorn's workers too, as a crash would.
        with open(self._log, "ab") as log:  # the child keeps its own copy of the handle
            self._process = subprocess.Popen(
                [sys.executable, "-m", "entrypoints.cli.app", "serve", "--port", str(self.port),
                 "--workers", str(self.workers), "--json"],
                env=self.env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/ready", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self._process.poll() is not None:
                raise RuntimeError(f"vaani serve exited with {self._process.returncode}")
            time.sleep(0.1)
        raise RuntimeError("vaani serve did not become ready")

    def kill(self) -> None:
        """kill -9, the whole process group: no shutdown hook runs."""
        assert self._process is not None
        os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait(30)
        self._process = None

    def stop(self) -> None:
        if self._process is not None:
            os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait(30)
            self._process = None
        Path(self._log).unlink(missing_ok=True)
