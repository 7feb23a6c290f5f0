"""Schemathesis against the live app (`vaani serve` on loopback, a real SQLite file), bounded:
no generated request may produce a 5xx or a response that contradicts /openapi.json."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

pytestmark = pytest.mark.slow
SECRET = "fuzz-secret-" + "x" * 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    env = {**os.environ, "VAANI_DATABASE_URL": f"sqlite:///{tmp_path / 'fuzz.db'}",
           "VAANI_JWT_SECRET": SECRET, "VAANI_AUTH_RATE_PER_IP": "100000",
           "VAANI_LOGIN_RATE_PER_CUSTOMER": "100000", "VAANI_ARGON2_MEMORY_KIB": "8192",
           "VAANI_ARGON2_TIME_COST": "1"}
    env.pop("VAANI_DEMO", None)
    vaani = [sys.executable, "-m", "entrypoints.cli.app"]
    seeded = subprocess.run([*vaani, "seed", "demo", "--json"], env=env, check=True,
                            capture_output=True, text=True)
    asha = json.loads(seeded.stdout)["customers"][0]
    port = _free_port()
    server = subprocess.Popen([*vaani, "serve", "--port", str(port), "--json"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/health")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        token = httpx.post(f"{base}/api/v1/auth/login", json={
            "customer_number": asha["customer_number"], "method": "password",
            "password": asha["password"]}).json()["access_token"]
        yield base, {"Authorization": f"Bearer {token}"}
    finally:
        server.terminate()
        server.wait(20)


def test_no_generated_request_breaks_the_api(live: tuple[str, dict[str, str]]) -> None:
    base, headers = live
    result = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{base}/openapi.json",
         "--checks", "not_a_server_error,status_code_conformance,content_type_conformance",
         "--max-examples", "8", "--seed", "20261122", "-H",
         f"Authorization: {headers['Authorization']}",
         # Logging out or ending sessions would cut the fuzzer's own login short.
         "--exclude-path-regex", "/auth/(logout|sessions)"],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
