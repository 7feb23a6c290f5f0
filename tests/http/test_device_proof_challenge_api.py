"""A step-up challenge answered by voice needs the session's device to sign a fresh nonce
(issue #30, item 5): without it, or with another key, the hold is given back and the speaker
model never runs."""

from __future__ import annotations

import punq
from starlette.testclient import TestClient

from tests.http.conftest import API
from tests.http.test_device_keys_api import CountingEngine, keyed_api  # noqa: F401 (fixture)
from tests.http.test_devices_and_voice_api import ASHA_HZ, b64, held_for_challenge
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.clock import SteppingClock
from tests.support.device_keys import DeviceKeyPair
from tests.support.voice import tone


def test_a_voice_answer_without_the_device_proof_gives_the_hold_back_unheard(
        keyed_api: tuple[TestClient, punq.Container, CountingEngine],  # noqa: F811
        clock: SteppingClock) -> None:
    client, bank, engine = keyed_api
    _, transfer_id, headers = held_for_challenge(client, bank, clock)
    before = engine.analysed
    refused = client.post(f"{API}/transfers/{transfer_id}/challenge", headers=headers,
                          json={"voice_sample": b64(tone(ASHA_HZ, seed=77))})
    body = assert_envelope(refused, 403, "device_not_trusted")
    assert body["error"]["info"]["reason"] == "device_proof_missing"
    assert "POST /auth/device-challenge" in body["error"]["message"]
    assert engine.analysed == before
    status = client.get(f"{API}/transfers/{transfer_id}", headers=headers).json()["status"]
    assert status == "voided"


def test_a_voice_answer_signed_by_another_key_is_refused_unheard(
        keyed_api: tuple[TestClient, punq.Container, CountingEngine],  # noqa: F811
        clock: SteppingClock) -> None:
    client, bank, engine = keyed_api
    number, transfer_id, headers = held_for_challenge(client, bank, clock)
    before = engine.analysed
    thief = DeviceKeyPair()
    refused = client.post(f"{API}/transfers/{transfer_id}/challenge", headers=headers, json={
        "voice_sample": b64(tone(ASHA_HZ, seed=78)),
        "device_proof": thief.http_proof(client, number, "asha-phone-1")})
    assert assert_envelope(refused, 403, "device_not_trusted")["error"]["info"]["reason"] == \
        "bad_signature"
    assert engine.analysed == before
