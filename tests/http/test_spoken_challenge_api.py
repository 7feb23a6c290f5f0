"""The spoken challenge over HTTP, as an app meets it: the nonce's `say` digits, read aloud
into the voice login; real speech, the real speaker model and the real recogniser."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.http.app import create_app
from tests.conftest import settings_for
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import PASSWORD, customer
from tests.support.device_keys import API, DeviceKeyPair
from tests.support.spoken import say
from tests.support.voice import clip

pytestmark = pytest.mark.slow
KEY = DeviceKeyPair()
PHONE = "allison-phone-1"


def b64(audio: bytes) -> str:
    return base64.b64encode(audio).decode()


@pytest.fixture(params=["spoken", "off"])
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    settings = settings_for(f"sqlite:///{tmp_path / 'v.db'}", "memory",
                            {"VAANI_VOICE_CHALLENGE": str(request.param)})
    bank = bootstrap(settings)
    prepare_database(bank)
    allison = customer(bank, first_name="Allison")
    with TestClient(create_app(bank)) as client:
        login = client.post(f"{API}/auth/login", json={
            "customer_number": allison.customer_number, "method": "password",
            "password": PASSWORD, "device": {
                "identifier": PHONE, "public_key": KEY.public_key(),
                "proof": KEY.http_proof(client, allison.customer_number, PHONE)}})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        device = client.get(f"{API}/device-bindings", headers=headers).json()["items"][0]["id"]
        enrolled = client.post(f"{API}/device-bindings/{device}/voice", headers=headers, json={
            "samples": [b64(clip(n)) for n in ("allison_en_00", "allison_en_01",
                                                 "allison_en_04")]
            + [b64(say(d)) for d in ("31415926", "27182818")]})  # read off the screen
        assert enrolled.status_code == 201, enrolled.text
        yield client, allison.customer_number


def voice_login(client: TestClient, number: str, spoken: str | None = None):  # type: ignore[no-untyped-def]
    """Ask for a challenge, sign its nonce, say its digits (or `spoken` instead)."""
    challenge = client.post(f"{API}/auth/device-challenge", json={
        "customer_number": number, "device_identifier": PHONE}).json()
    proof = {"nonce": challenge["nonce"], "signature": b64(KEY.sign(challenge["message"].encode()))}
    digits = spoken or challenge["say"] or "246813"
    return client.post(f"{API}/auth/login", json={
        "customer_number": number, "method": "voice", "voice_sample": b64(say(digits)),
        "device": {"identifier": PHONE, "proof": proof}}), challenge


def test_the_app_shows_the_digits_and_the_customer_says_them(
        api: tuple[TestClient, str]) -> None:
    client, number = api
    answer, challenge = voice_login(client, number)
    assert answer.status_code == 200, answer.text
    if challenge["say"] is None:  # VAANI_VOICE_CHALLENGE=off: any digits, or none, will do
        return
    assert len(challenge["say"]) == 6 and challenge["say"].isdigit()
    wrong = "".join(str((int(d) + 5) % 10) for d in challenge["say"])
    refused, _ = voice_login(client, number, wrong)
    body = assert_envelope(refused, 401, "spoken_challenge_failed")
    assert body["error"]["info"]["reason"] == "wrong_digits"
    assert "device-challenge" in body["error"]["message"]
