"""The spoken challenge over HTTP, as an app meets it: the nonce's `say` digits, read aloud
into a voice login or a held transfer's voice answer; real speech, the real speaker model and
the real recogniser."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.http.app import create_app
from tests.conftest import settings_for
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import PASSWORD, account, customer
from tests.support.clock import SteppingClock
from tests.support.device_keys import API, DeviceKeyPair
from tests.support.spoken import HeardDigits, samples, say
from tests.support.voice import clip, encode

pytestmark = pytest.mark.slow
KEY = DeviceKeyPair()
PHONE = "allison-phone-1"


def b64(audio: bytes) -> str:
    return base64.b64encode(audio).decode()


class Allison:
    """A customer with a payee and an enrolled voice on her keyed phone, and an app's calls."""

    def __init__(self, client: TestClient, bank: Any, clock: SteppingClock) -> None:
        self.client, self.clock = client, clock
        me, payee = customer(bank, first_name="Allison"), customer(bank)
        self.number = me.customer_number
        self.source = account(bank, me, "100000.00").account_number
        self.payee = account(bank, payee).account_number
        headers = self.log_in()
        device = client.get(f"{API}/device-bindings", headers=headers).json()["items"][0]["id"]
        enrolled = client.post(f"{API}/device-bindings/{device}/voice", headers=headers, json={
            "samples": [b64(clip(n)) for n in ("allison_en_00", "allison_en_01",
                                                 "allison_en_04")]
            + [b64(say(d)) for d in ("31415926", "27182818")]})  # read off the screen
        assert enrolled.status_code == 201, enrolled.text

    def log_in(self) -> dict[str, str]:
        login = self.client.post(f"{API}/auth/login", json={
            "customer_number": self.number, "method": "password", "password": PASSWORD,
            "device": {"identifier": PHONE, "public_key": KEY.public_key(),
                       "proof": KEY.http_proof(self.client, self.number, PHONE)}})
        assert login.status_code == 200, login.text
        return {"Authorization": f"Bearer {login.json()['access_token']}"}

    def challenge(self) -> dict[str, Any]:
        return dict(self.client.post(f"{API}/auth/device-challenge", json={
            "customer_number": self.number, "device_identifier": PHONE}).json())

    @staticmethod
    def proof(challenge: dict[str, Any]) -> dict[str, str]:
        return {"nonce": challenge["nonce"],
                "signature": b64(KEY.sign(challenge["message"].encode()))}

    def voice_login(self, spoken: str | None = None):  # type: ignore[no-untyped-def]
        """Ask for a challenge, sign its nonce, say its digits (or `spoken` instead)."""
        challenge = self.challenge()
        digits = spoken or challenge["say"] or "246813"
        return self.client.post(f"{API}/auth/login", json={
            "customer_number": self.number, "method": "voice", "voice_sample": b64(say(digits)),
            "device": {"identifier": PHONE, "proof": self.proof(challenge)}}), challenge

    def held_transfer(self) -> tuple[str, dict[str, str]]:
        """A payment history, then a large transfer the fraud screen holds for a challenge."""
        for _ in range(5):
            self.client.post(f"{API}/accounts/{self.source}/transfer", headers=self.log_in(),
                             json={"to_account_number": self.payee,
                                   "amount": {"amount": "100.00", "currency": "INR"}})
            self.clock.advance(timedelta(hours=3))
        headers = self.log_in()
        held = self.client.post(f"{API}/accounts/{self.source}/transfer", headers=headers, json={
            "to_account_number": self.payee, "amount": {"amount": "5000.00", "currency": "INR"}})
        assert held.status_code == 202 and held.json()["status"] == "challenge_required"
        return str(held.json()["transfer_id"]), headers


@pytest.fixture(params=["spoken", "off"])
def allison(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Allison]:
    settings = settings_for(f"sqlite:///{tmp_path / 'v.db'}", "memory",
                            {"VAANI_VOICE_CHALLENGE": str(request.param)})
    clock = SteppingClock()
    bank = bootstrap(settings, clock=clock, ids=HeardDigits())
    prepare_database(bank)
    with TestClient(create_app(bank)) as client:
        person = Allison(client, bank, clock)
        clock.advance(timedelta(days=2))
        yield person


def test_the_app_shows_the_digits_and_the_customer_says_them(allison: Allison) -> None:
    answer, challenge = allison.voice_login()
    assert answer.status_code == 200, answer.text
    if challenge["say"] is None:  # VAANI_VOICE_CHALLENGE=off: any digits, or none, will do
        return
    assert len(challenge["say"]) == 6 and challenge["say"].isdigit()
    wrong = "".join(str((int(d) + 5) % 10) for d in challenge["say"])
    refused, _ = allison.voice_login(wrong)
    body = assert_envelope(refused, 401, "spoken_challenge_failed")
    assert body["error"]["info"]["reason"] == "wrong_digits"
    assert "device-challenge" in body["error"]["message"]


def test_a_held_transfer_is_answered_by_saying_the_digits(allison: Allison) -> None:
    transfer_id, headers = allison.held_transfer()
    challenge = allison.challenge()
    spoken = say(challenge["say"] or "975310")
    answered = allison.client.post(f"{API}/transfers/{transfer_id}/challenge", headers=headers,
                                   json={"voice_sample": b64(spoken),
                                         "device_proof": allison.proof(challenge)})
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "completed"
    if challenge["say"] is None:
        return
    # The same answer, replayed softer against the next held transfer: the digits are old.
    transfer_id, headers = allison.held_transfer()
    replayed = allison.client.post(f"{API}/transfers/{transfer_id}/challenge", headers=headers,
                                   json={"voice_sample": b64(encode(samples(spoken) * 0.5,
                                                                    16000)),
                                         "device_proof": allison.proof(allison.challenge())})
    assert_envelope(replayed, 401, "spoken_challenge_failed")
    status = allison.client.get(f"{API}/transfers/{transfer_id}", headers=headers).json()
    assert status["status"] != "completed"
