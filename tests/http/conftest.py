"""An HTTP client on a wired bank; helpers that log in as a real customer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import punq
import pytest
from starlette.testclient import TestClient

from entrypoints.bootstrap import bootstrap
from entrypoints.http.app import create_app
from tests.conftest import settings_for
from tests.support.banking import PASSWORD, account, customer
from tests.support.clock import SteppingClock

API = "/api/v1"


@pytest.fixture
def memory_bank(tmp_path: Path, clock: SteppingClock) -> punq.Container:
    return bootstrap(settings_for(f"sqlite:///{tmp_path / 'unused.db'}", "memory"), clock=clock)


@pytest.fixture
def client(memory_bank: punq.Container) -> Iterator[TestClient]:
    with TestClient(create_app(memory_bank), raise_server_exceptions=False) as test_client:
        yield test_client


def log_in(client: TestClient, customer_number: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post(f"{API}/auth/login", json={
        "customer_number": customer_number, "method": "password", "password": password,
        "device": {"identifier": "test-phone-1"}})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def asha(memory_bank: punq.Container, client: TestClient) -> tuple[dict[str, str], str, str]:
    """Asha, logged in, with a funded savings account and an empty current account."""
    person = customer(memory_bank, first_name="Asha")
    savings = account(memory_bank, person, "1000.00").account_number
    current = account(memory_bank, person).account_number
    return log_in(client, person.customer_number), savings, current
