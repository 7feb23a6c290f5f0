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

from tests.http.test_hostile_parameters import HOSTILE_QUERIES

pytestmark = pytest.mark.slow
SECRET = "fuzz-secret-" + "x" * 40


Live = tuple[str, dict[str, str], str]  # the base URL, Asha's headers, her account number


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
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
        yield base, {"Authorization": f"Bearer {token}"}, asha["accounts"][0]["account_number"]
    finally:
        server.terminate()
        server.wait(20)


def test_no_generated_request_breaks_the_api(live: Live) -> None:
    base, headers, _ = live
    result = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{base}/openapi.json",
         "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
         "response_schema_conformance,response_headers_conformance",
         "--max-examples", "8", "--seed", "20261122", "-H",
         f"Authorization: {headers['Authorization']}",
         # Logging out or ending sessions would cut the fuzzer's own login short.
         "--exclude-path-regex", "/auth/(logout|sessions)"],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def test_the_requests_that_answered_500_are_refused_over_the_wire(live: Live) -> None:
    """As the hostile review sent them: through uvicorn's own URL decoding."""
    base, headers, number = live
    with httpx.Client(base_url=f"{base}/api/v1", headers=headers) as client:
        answers = [client.get(f"/accounts/{number}/transactions", params=q)
                   for q in HOSTILE_QUERIES.values()]
        answers += [client.get(f"/accounts/{bad}/balance") for bad in ("%00", "1%0A", "%C2%B2")]
        answers.append(client.post(f"/accounts/{number}/statement/download",
                                   json={"from": "9999-12-30", "to": "9999-12-31"}))
        answers += [client.post("/reminders", json={"type": "CUSTOM", "title": "x", "due_at": t})
                    for t in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00")]
        answers.append(client.post(f"/accounts/{number}/transfer", content=b"to=1&amount=1",
                                   headers={"Content-Type": "application/x-www-form-urlencoded"}))
    assert [a.status_code for a in answers if not 400 <= a.status_code < 500] == []
    assert all(set(a.json()) == {"meta", "error"} for a in answers)
