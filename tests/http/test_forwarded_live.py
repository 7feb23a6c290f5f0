"""Whose address counts: a live `vaani serve` believes X-Forwarded-For only from the proxies in
VAANI_TRUSTED_PROXIES, so a local caller cannot pick its own rate-limit bucket by naming
another address (uvicorn believes loopback by default)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.conftest import TEST_ENV
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.slow
PER_IP = 3
# With twice the limit and one more, some rate window holds more than the limit even if the
# requests straddle the end of one.
REQUESTS = 2 * PER_IP + 1


def _served(tmp_path: Path, workers: int, **env: str) -> Iterator[LiveServer]:
    server = LiveServer({**TEST_ENV, "VAANI_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
                         "VAANI_AUTH_RATE_PER_IP": str(PER_IP), **env}, workers=workers)
    assert server.cli("db", "upgrade").returncode == 0
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def untrusting(tmp_path: Path) -> Iterator[LiveServer]:
    yield from _served(tmp_path, workers=2)


@pytest.fixture
def behind_a_local_proxy(tmp_path: Path) -> Iterator[LiveServer]:
    yield from _served(tmp_path, workers=1, VAANI_TRUSTED_PROXIES="127.0.0.1, ::1")


def _refreshes(server: LiveServer, forwarded_for: list[str]) -> list[httpx.Response]:
    with httpx.Client(base_url=server.base) as client:
        return [client.post("/api/v1/auth/refresh", json={"refresh_token": "x"},
                            headers={"X-Forwarded-For": address}) for address in forwarded_for]


def test_a_local_caller_naming_other_addresses_stays_in_its_own_bucket(
        untrusting: LiveServer) -> None:
    answers = _refreshes(untrusting, [f"203.0.113.{i}" for i in range(REQUESTS)])
    assert 429 in [a.status_code for a in answers], [a.status_code for a in answers]
    assert {a.status_code for a in answers} <= {401, 429}
    for answer in answers:  # nor does the server name its software
        assert "server" not in answer.headers
        assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_configured_proxy_is_believed(behind_a_local_proxy: LiveServer) -> None:
    spread = _refreshes(behind_a_local_proxy, [f"203.0.113.{i}" for i in range(REQUESTS)])
    assert [a.status_code for a in spread] == [401] * REQUESTS  # a bucket each
    one = _refreshes(behind_a_local_proxy, ["198.51.100.7"] * REQUESTS)
    assert 429 in [a.status_code for a in one]  # the limit still holds per real client


def test_a_forwarded_address_that_is_no_address_is_not_believed(
        behind_a_local_proxy: LiveServer) -> None:
    """A proxy that passes the client's own X-Forwarded-For on would let any text become the
    caller's address (a rate-limit bucket, an audit column): only an IP address is believed."""
    answers = _refreshes(behind_a_local_proxy, ["x" * 300, "not-an-address", "1.2.3.4.5"])
    assert {a.status_code for a in answers} <= {401, 429}, [a.text for a in answers]
