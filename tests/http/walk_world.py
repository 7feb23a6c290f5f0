"""The bank the OpenAPI walk (test_openapi_walk.py) calls every operation on: customers with
paid, held and challenged transfers, a card, a device, operators, a checker and a teller."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import punq
from starlette.testclient import TestClient

from application.context import SYSTEM
from application.use_cases import ManageCards
from domain.customer import Role
from tests.support.banking import PASSWORD, account, customer
from tests.support.clock import SteppingClock
from tests.support.device_keys import DeviceKeyPair

API = "/api/v1"
_KEYS: dict[tuple[str, str], DeviceKeyPair] = {}  # (customer number, device) -> its key
# Each login asks for a device nonce first (`login` signs it): twice the /auth calls of old.
LOGIN_RATE = {"VAANI_AUTH_RATE_PER_IP": "60"}


def b64(audio: bytes) -> str:
    return base64.b64encode(audio).decode()


def login(client: TestClient, number: str, device: str = "walk-phone-1") -> dict[str, Any]:
    """From a device that holds its key and signs a fresh nonce, as a current app does."""
    key = _KEYS.setdefault((number, device), DeviceKeyPair())
    response = client.post(f"{API}/auth/login", json={
        "customer_number": number, "method": "password", "password": PASSWORD,
        "device": {"identifier": device, "public_key": key.public_key(),
                   "proof": key.http_proof(client, number, device)}})
    assert response.status_code == 200, response.text
    return dict(response.json())


def setup(client: TestClient, bank: punq.Container, clock: SteppingClock) -> dict[str, Any]:
    asha, ravi = customer(bank), customer(bank)
    operator = customer(bank, Role.OPERATOR)
    source = account(bank, asha, "100000.00").account_number
    payee = account(bank, ravi).account_number
    card = bank.resolve(ManageCards).issue(source, SYSTEM)
    tokens = login(client, asha.customer_number)
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    client.post(f"{API}/upi/pin", headers=auth, json={"pin": "4826"})
    device_id = client.get(f"{API}/device-bindings", headers=auth).json()["items"][0]["id"]
    clock.advance(timedelta(days=2))
    habit = []
    for _ in range(5):  # a habit, so that a large payment is challenged
        auth = {"Authorization": f"Bearer {login(client, asha.customer_number)['access_token']}"}
        habit.append(client.post(f"{API}/accounts/{source}/transfer", headers=auth, json={
            "to_account_number": payee, "amount": {"amount": "100.00", "currency": "INR"}}
            ).json()["transfer_id"])
        clock.advance(timedelta(hours=3))
    tokens = login(client, asha.customer_number)
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    held = [client.post(f"{API}/accounts/{source}/transfer", headers=auth, json={
        "to_account_number": payee, "amount": {"amount": amount, "currency": "INR"}}).json()
        ["transfer_id"] for amount in ("5000.00", "6000.00")]
    operator_auth = {"Authorization":
                     f"Bearer {login(client, operator.customer_number, 'ops-1')['access_token']}"}
    other = login(client, asha.customer_number, "walk-phone-1")
    checker = customer(bank, Role.OPERATOR)
    checker_auth = {"Authorization":
                    f"Bearer {login(client, checker.customer_number, 'ops-2')['access_token']}"}
    teller = customer(bank, Role.TELLER)
    teller_auth = {"Authorization":
                   f"Bearer {login(client, teller.customer_number, 'till-1')['access_token']}"}
    return {"teller": teller_auth, "checker": checker_auth, "paid": habit[0], "asha": asha,
            "auth": auth, "tokens": tokens,
            "source": source, "payee": payee, "card": str(card.id), "device": device_id,
            "held": held, "ops": operator_auth,
            "other_session": other["session_id"]}
