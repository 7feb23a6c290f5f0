"""An HTTP client on a wired bank (every profile: memory, SQLite, PostgreSQL); helpers that
log in as a real customer."""

from __future__ import annotations

from collections.abc import Iterator

import punq
import pytest
from starlette.testclient import TestClient

from entrypoints.http.app import create_app
from tests.support.banking import PASSWORD, account, customer
from tests.support.device_keys import DeviceKeyPair

API = "/api/v1"


@pytest.fixture
def client(bank: punq.Container) -> Iterator[TestClient]:
    with TestClient(create_app(bank), raise_server_exceptions=False) as test_client:
        yield test_client


PHONE = "test-phone-1"
_PHONE_KEYS: dict[str, DeviceKeyPair] = {}  # customer number -> the key her test phone holds


def log_in(client: TestClient, customer_number: str, password: str = PASSWORD) -> dict[str, str]:
    """A password login from the customer's phone as a current app makes it: its key, and a
    fresh nonce signed by it. A login naming the phone without the proof would make it
    suspicious to the fraud screen (docs/device-keys.md)."""
    key = _PHONE_KEYS.setdefault(customer_number, DeviceKeyPair())
    response = client.post(f"{API}/auth/login", json={
        "customer_number": customer_number, "method": "password", "password": password,
        "device": {"identifier": PHONE, "public_key": key.public_key(),
                   "proof": key.http_proof(client, customer_number, PHONE)}})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def asha(bank: punq.Container, client: TestClient) -> tuple[dict[str, str], str, str]:
    """Asha, logged in, with a funded savings account and an empty current account."""
    person = customer(bank, first_name="Asha")
    savings = account(bank, person, "1000.00").account_number
    current = account(bank, person).account_number
    return log_in(client, person.customer_number), savings, current
