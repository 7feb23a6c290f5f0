"""One signed device nonce sent by many parallel requests to a live `vaani serve` (two
workers, SQLite and PostgreSQL) proves the device once: the nonce is taken atomically in the
database before anything else happens (issue #30, item 5)."""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest

from tests.reliability.conftest import LiveBank
from tests.support.banking import PASSWORD
from tests.support.device_keys import DeviceKeyPair

pytestmark = pytest.mark.slow
PARALLEL = 12
PHONE = "race-phone-1"


def test_a_replayed_signed_nonce_is_refused_under_parallel_requests(live_bank: LiveBank) -> None:
    live = live_bank
    base = f"{live.server.base}/api/v1"
    number = live.people[0][0]
    login = httpx.post(f"{base}/auth/login", timeout=30, json={
        "customer_number": number, "method": "password", "password": PASSWORD,
        "device": {"identifier": PHONE}})  # an old binding: no key yet
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    key = DeviceKeyPair()
    nonce = httpx.post(f"{base}/auth/device-challenge", timeout=30, json={
        "customer_number": number, "device_identifier": PHONE}).json()
    body = {"identifier": PHONE, "public_key": key.public_key(), "proof": {
        "nonce": nonce["nonce"],
        "signature": base64.b64encode(key.sign(nonce["message"].encode())).decode()}}

    def rebind(_: int) -> httpx.Response:
        return httpx.post(f"{base}/device-bindings", json=body, headers=headers, timeout=60)

    with ThreadPoolExecutor(PARALLEL) as pool:
        answers = list(pool.map(rebind, range(PARALLEL)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [403] * (PARALLEL - 1), [a.text for a in answers]
    reasons = {a.json()["error"]["info"]["reason"] for a in answers if a.status_code == 403}
    assert reasons == {"nonce_unknown_or_used"}
    listed = httpx.get(f"{base}/device-bindings", headers=headers, timeout=30).json()["items"]
    assert [d["key_algorithm"] for d in listed if d["identifier"] == PHONE] == ["ed25519"]
    live.assert_books_verify()
