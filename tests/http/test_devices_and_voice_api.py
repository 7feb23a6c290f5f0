"""Device bindings and voice over HTTP, on every profile, with the small deterministic engine
(the real model is exercised in tests/integration/test_voice_real_model.py)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import punq
import pytest
from starlette.testclient import TestClient

from application.context import SYSTEM
from application.ports import UnitOfWorkFactory
from application.use_cases import RestoreVoice, VerifyAuditTrail
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.http.app import create_app
from tests.conftest import PROFILES, database_url_for, settings_for
from tests.http.conftest import API
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import PASSWORD, account, customer
from tests.support.clock import SteppingClock
from tests.support.device_keys import DeviceKeyPair
from tests.support.voice import ToneVoiceEngine, tone

ASHA_HZ, OTHER_HZ = 440.0, 1230.0
PHONE_KEY = DeviceKeyPair()  # the key Asha's phone registers when it is bound


def b64(audio: bytes) -> str:
    return base64.b64encode(audio).decode()


@pytest.fixture(params=PROFILES)
def voice_api(request: pytest.FixtureRequest, tmp_path: Path,
              clock: SteppingClock) -> Iterator[tuple[TestClient, punq.Container]]:
    url = database_url_for(str(request.param), tmp_path, request)
    bank = bootstrap(settings_for(url, str(request.param)), clock=clock,
                     voice_engine=ToneVoiceEngine())
    prepare_database(bank)
    with TestClient(create_app(bank)) as client:
        yield client, bank
    assert bank.resolve(VerifyAuditTrail).execute().ok
    bank.resolve(UnitOfWorkFactory).close()


def password_login(client: TestClient, number: str, device: str = "asha-phone-1",
                   key: DeviceKeyPair | None = PHONE_KEY) -> dict[str, str]:
    """A password login from the device, which sends its key and signs a fresh nonce."""
    held = {"public_key": key.public_key(), "proof": key.http_proof(client, number, device)} \
        if key else {}
    response = client.post(f"{API}/auth/login", json={
        "customer_number": number, "method": "password", "password": PASSWORD,
        "device": {"identifier": device, "label": "phone", "platform": "android", **held}})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def voice_login(client: TestClient, number: str, audio: bytes, device: str = "asha-phone-1",  # type: ignore[no-untyped-def]
                key: DeviceKeyPair | None = PHONE_KEY):
    """A voice login from a device that signs a fresh nonce with `key` (None: no proof)."""
    proof = {"proof": key.http_proof(client, number, device)} if key else {}
    return client.post(f"{API}/auth/login", json={
        "customer_number": number, "method": "voice", "voice_sample": b64(audio),
        "device": {"identifier": device, **proof}})


def binding_id(client: TestClient, headers: dict[str, str], device: str = "asha-phone-1") -> str:
    items = client.get(f"{API}/device-bindings", headers=headers).json()["items"]
    return str(next(d["id"] for d in items if d["identifier"] == device))


def enrol(client: TestClient, headers: dict[str, str]) -> str:
    """Asha's voice, enrolled on her phone from its own session (`headers`)."""
    device_id = binding_id(client, headers)
    samples = [b64(tone(ASHA_HZ, seed=s)) for s in (1, 2, 3)]
    response = client.post(f"{API}/device-bindings/{device_id}/voice", headers=headers,
                           json={"samples": samples})
    assert response.status_code == 201, response.text
    return str(device_id)


def test_login_binds_the_device_and_devices_can_be_managed(
        voice_api: tuple[TestClient, punq.Container]) -> None:
    client, bank = voice_api
    asha, ravi = customer(bank), customer(bank)
    headers = password_login(client, asha.customer_number)
    devices = client.get(f"{API}/device-bindings", headers=headers).json()["items"]
    assert [(d["identifier"], d["trust"]) for d in devices] == [("asha-phone-1", "trusted")]
    device_id = devices[0]["id"]
    renamed = client.patch(f"{API}/device-bindings/{device_id}", headers=headers,
                           json={"label": "work phone"})
    assert renamed.json()["label"] == "work phone"
    ravis = password_login(client, ravi.customer_number, "ravi-phone-1")
    for response in (client.patch(f"{API}/device-bindings/{device_id}", headers=ravis,
                                  json={"label": "mine now"}),
                     client.delete(f"{API}/device-bindings/{device_id}", headers=ravis),
                     client.post(f"{API}/device-bindings/{device_id}/voice", headers=ravis,
                                 json={"samples": [b64(tone(300, seed=s)) for s in (1, 2, 3)]})):
        assert_envelope(response, 404, "device_not_found")
    laptop = password_login(client, asha.customer_number, "asha-laptop-1", key=None)
    assert client.delete(f"{API}/device-bindings/{device_id}", headers=laptop).status_code == 204
    assert_envelope(client.get(f"{API}/device-bindings", headers=headers), 401,
                    "unauthorized")  # the phone's session ended with it
    listed = client.get(f"{API}/device-bindings", headers=laptop).json()["items"]
    phone = next(d for d in listed if d["identifier"] == "asha-phone-1")
    assert phone["trust"] == "revoked" and phone["revoked_at"]


def test_voice_login_is_a_second_factor_on_the_bound_device(
        voice_api: tuple[TestClient, punq.Container]) -> None:
    client, bank = voice_api
    asha = customer(bank)
    enrol(client, password_login(client, asha.customer_number))
    ok = voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=10))
    assert ok.status_code == 200 and ok.json()["refresh_token"]
    assert_envelope(voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=10)), 401,
                    "voice_replay_detected")
    failed = assert_envelope(voice_login(client, asha.customer_number, tone(OTHER_HZ, seed=11)),
                             401, "voice_verification_failed")
    assert failed["error"]["info"]["score"] < failed["error"]["info"]["threshold"]
    assert_envelope(voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=12),
                                device="stolen-phone"), 401, "invalid_credentials")
    bad = client.post(f"{API}/auth/login", json={
        "customer_number": asha.customer_number, "method": "voice", "voice_sample": "%%%",
        "device": {"identifier": "asha-phone-1",
                   "proof": PHONE_KEY.http_proof(client, asha.customer_number, "asha-phone-1")}})
    assert assert_envelope(bad, 422, "validation_error")["error"]["info"]["reason"] == "not_base64"
    not_audio = voice_login(client, asha.customer_number, b"hello")
    assert assert_envelope(not_audio, 422, "validation_error")["error"]["info"]["reason"] == \
        "not_audio"


def test_enrolment_rules(voice_api: tuple[TestClient, punq.Container]) -> None:
    client, bank = voice_api
    asha = customer(bank)
    headers = password_login(client, asha.customer_number)
    device_id = client.get(f"{API}/device-bindings", headers=headers).json()["items"][0]["id"]
    url = f"{API}/device-bindings/{device_id}/voice"
    assert_envelope(client.post(url, headers=headers, json={
        "samples": [b64(tone(ASHA_HZ, seed=s)) for s in (1, 2)]}), 422, "validation_error")
    mixed = client.post(url, headers=headers, json={
        "samples": [b64(tone(ASHA_HZ, seed=1)), b64(tone(ASHA_HZ, seed=2)), b64(tone(OTHER_HZ))]})
    assert assert_envelope(mixed, 422, "validation_error")["error"]["info"]["reason"] == \
        "samples_disagree"
    enrol(client, headers)
    again = client.post(url, headers=headers, json={
        "samples": [b64(tone(ASHA_HZ, seed=s)) for s in (21, 22, 23)]})
    assert_envelope(again, 401, "unauthorized")  # re-enrolment needs password and UPI PIN


def test_failures_slow_down_then_disable_voice_until_restored(
        voice_api: tuple[TestClient, punq.Container], clock: SteppingClock) -> None:
    client, bank = voice_api
    asha = customer(bank)
    enrol(client, password_login(client, asha.customer_number))
    for i in range(5):
        voice_login(client, asha.customer_number, tone(OTHER_HZ, seed=100 + i))
    too_soon = voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=200))
    assert_envelope(too_soon, 429, "voice_attempt_too_soon")
    assert 1 <= int(too_soon.headers["retry-after"]) <= 30
    for i in range(45):
        clock.advance(timedelta(seconds=31))
        voice_login(client, asha.customer_number, tone(OTHER_HZ, seed=300 + i))
    clock.advance(timedelta(seconds=31))
    assert_envelope(voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=400)), 423,
                    "voice_disabled")
    bank.resolve(RestoreVoice).execute(asha.customer_number, SYSTEM)
    assert voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=401)).status_code == 200


def test_a_revoked_device_needs_the_voice_to_be_bound_again(
        voice_api: tuple[TestClient, punq.Container]) -> None:
    client, bank = voice_api
    asha = customer(bank)
    headers = password_login(client, asha.customer_number)
    device_id = enrol(client, headers)
    client.delete(f"{API}/device-bindings/{device_id}", headers=headers)
    assert_envelope(voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=5)), 401,
                    "invalid_credentials")
    fresh = password_login(client, asha.customer_number)  # password still works...
    rebind = {"identifier": "asha-phone-1"}
    assert_envelope(client.post(f"{API}/device-bindings", headers=fresh, json=rebind), 403,
                    "device_not_trusted")  # ...but the device needs the voice
    new_key = DeviceKeyPair("es256")  # the phone was reset: a new key, proven by signing
    unproven = client.post(f"{API}/device-bindings", headers=fresh, json={
        **rebind, "voice_sample": b64(tone(ASHA_HZ, seed=6)), "public_key": new_key.public_key()})
    assert_envelope(unproven, 403, "device_not_trusted")
    bound = client.post(f"{API}/device-bindings", headers=fresh, json={
        **rebind, "voice_sample": b64(tone(ASHA_HZ, seed=6)), "public_key": new_key.public_key(),
        "proof": new_key.http_proof(client, asha.customer_number, "asha-phone-1")})
    assert bound.status_code == 201 and bound.json()["trust"] == "trusted"
    assert bound.json()["key_algorithm"] == "es256"
    assert voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=7),
                       key=new_key).status_code == 200
    assert_envelope(voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=8)), 401,
                    "invalid_credentials")  # the old key proves nothing any more


def test_voice_bodies_may_be_larger_than_one_mebibyte(
        voice_api: tuple[TestClient, punq.Container]) -> None:
    client, bank = voice_api
    asha = customer(bank)
    headers = password_login(client, asha.customer_number)
    device_id = client.get(f"{API}/device-bindings", headers=headers).json()["items"][0]["id"]
    samples = [b64(tone(ASHA_HZ, seconds=12, seed=s)) for s in (1, 2, 3)]  # ~1.5 MiB of JSON
    response = client.post(f"{API}/device-bindings/{device_id}/voice", headers=headers,
                           json={"samples": samples})
    assert response.status_code == 201, response.text


def held_for_challenge(client: TestClient, bank: punq.Container,
          clock: SteppingClock) -> tuple[str, str, dict[str, str]]:
    """Asha's enrolled phone, a payment history, then a large transfer held for a challenge."""
    asha, ravi = customer(bank), customer(bank)
    source = account(bank, asha, "100000.00").account_number
    payee = account(bank, ravi).account_number
    enrol(client, password_login(client, asha.customer_number))
    clock.advance(timedelta(days=2))
    for _ in range(5):
        headers = password_login(client, asha.customer_number)
        client.post(f"{API}/accounts/{source}/transfer", headers=headers, json={
            "to_account_number": payee, "amount": {"amount": "100.00", "currency": "INR"}})
        clock.advance(timedelta(hours=3))
    headers = password_login(client, asha.customer_number)
    held = client.post(f"{API}/accounts/{source}/transfer", headers=headers, json={
        "to_account_number": payee, "amount": {"amount": "5000.00", "currency": "INR"}})
    assert held.status_code == 202 and held.json()["status"] == "challenge_required"
    return asha.customer_number, held.json()["transfer_id"], headers


def test_a_challenge_can_be_answered_by_voice_from_the_bound_device(
        voice_api: tuple[TestClient, punq.Container], clock: SteppingClock) -> None:
    client, bank = voice_api
    number, transfer_id, headers = held_for_challenge(client, bank, clock)
    url = f"{API}/transfers/{transfer_id}/challenge"
    answered = client.post(url, headers=headers, json={
        "voice_sample": b64(tone(ASHA_HZ, seed=77)),
        "device_proof": PHONE_KEY.http_proof(client, number, "asha-phone-1")})
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "completed"


def test_a_voice_is_enrolled_only_from_its_own_trusted_device(
        voice_api: tuple[TestClient, punq.Container], clock: SteppingClock) -> None:
    """A password thief on another device cannot replace the voice on Asha's phone (and then
    vouch for their own device with it), even with the password and the PIN."""
    client, bank = voice_api
    asha = customer(bank)
    phone = password_login(client, asha.customer_number)
    phone_id = enrol(client, phone)
    assert client.post(f"{API}/upi/pin", headers=phone, json={"pin": "4826"}).status_code == 200
    clock.advance(timedelta(days=2))  # the PIN has settled
    thief = password_login(client, asha.customer_number, "thief-1", DeviceKeyPair())
    url = f"{API}/device-bindings/{phone_id}/voice"

    def body(hz: float, first: int) -> dict[str, object]:
        return {"samples": [b64(tone(hz, seed=s)) for s in range(first, first + 3)],
                "password": PASSWORD, "pin": "4826"}

    taken = assert_envelope(client.post(url, headers=thief, json=body(OTHER_HZ, 31)), 403,
                            "device_not_trusted")
    assert taken["error"]["info"]["reason"] == "another_device"
    assert "from the device" in taken["error"]["message"]
    assert_envelope(voice_login(client, asha.customer_number, tone(OTHER_HZ, seed=40)), 401,
                    "voice_verification_failed")  # the voiceprint is still Asha's
    assert voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=41)).status_code == 200
    no_device = client.post(f"{API}/auth/login", json={
        "customer_number": asha.customer_number, "method": "password", "password": PASSWORD})
    web = {"Authorization": f"Bearer {no_device.json()['access_token']}"}
    assert_envelope(client.post(url, headers=web, json=body(OTHER_HZ, 51)), 403,
                    "device_not_trusted")  # a session on no device enrols nothing either
    phone = password_login(client, asha.customer_number)
    assert client.post(url, headers=phone, json=body(ASHA_HZ, 61)).status_code == 201
    assert voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=65)).status_code == 200
    changed = client.post(f"{API}/upi/pin", headers=thief, json={"pin": "739152",
                                                                 "password": PASSWORD})
    assert changed.status_code == 200  # the password alone changes the PIN...
    fresh = client.post(url, headers=phone, json={**body(ASHA_HZ, 71), "pin": "739152"})
    assert assert_envelope(fresh, 401, "unauthorized")["error"]["info"]["reason"] == \
        "pin_too_recent"  # ...but a PIN that password just set is no second factor yet
