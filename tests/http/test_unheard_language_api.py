"""Voice login for a customer whose preferred language no recogniser hears, with the bank
asking for a second factor there (VAANI_VOICE_UNHEARD_LANGUAGE=second-factor), as an app meets
it: the voice sample and a code from the authenticator in one request."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from starlette.testclient import TestClient

from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.http.app import create_app
from tests.conftest import settings_for
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.http.test_spoken_challenge_api import PHONE, Allison, b64
from tests.support.banking import PASSWORD
from tests.support.clock import SteppingClock
from tests.support.device_keys import API
from tests.support.voice import clip

pytestmark = pytest.mark.slow


@pytest.fixture
def speaking_hindi(tmp_path: Path) -> Iterator[tuple[Allison, pyotp.TOTP]]:
    """Allison, her preferred language Hindi, her authenticator on."""
    settings = settings_for(f"sqlite:///{tmp_path / 'v.db'}", "memory", {
        "VAANI_VOICE_CHALLENGE": "spoken", "VAANI_VOICE_UNHEARD_LANGUAGE": "second-factor"})
    clock = SteppingClock()
    bank = bootstrap(settings, clock=clock)
    prepare_database(bank)
    with TestClient(create_app(bank)) as client:
        person = Allison(client, bank, clock)
        headers = person.log_in()
        alone = client.patch(f"{API}/me", headers=headers, json={"preferred_language": "hi"})
        assert alone.status_code == 422, alone.text  # leaving the digits needs the password
        assert alone.json()["error"]["info"]["field"] == "password"
        changed = client.patch(f"{API}/me", headers=headers,
                               json={"preferred_language": "hi", "password": PASSWORD})
        assert changed.status_code == 200, changed.text
        made = client.post(f"{API}/auth/totp", headers=headers, json={"password": PASSWORD})
        app = pyotp.TOTP(made.json()["secret"])
        confirmed = client.post(f"{API}/auth/totp/confirm", headers=headers,
                                json={"code": app.at(clock.now())})
        assert confirmed.status_code == 200, confirmed.text
        clock.advance(timedelta(days=2))
        yield person, app


def voice_login(person: Allison, recording: str, totp: str | None):  # type: ignore[no-untyped-def]
    challenge = person.challenge()
    assert challenge["say"] is not None  # issued alike: the nonce cannot know who will answer
    body = {"customer_number": person.number, "method": "voice",
            "voice_sample": b64(clip(recording)),
            "device": {"identifier": PHONE, "proof": person.proof(challenge)}}
    return person.client.post(f"{API}/auth/login", json=body | (
        {"totp": totp} if totp is not None else {}))


def test_voice_and_a_code_log_in_where_the_digits_cannot_be_heard(
        speaking_hindi: tuple[Allison, pyotp.TOTP]) -> None:
    person, app = speaking_hindi
    alone = voice_login(person, "allison_en_05", None)
    body = assert_envelope(alone, 401, "second_factor_required")
    assert body["error"]["info"]["reason"] == "second_factor_required"
    assert "totp" in body["error"]["message"]
    answered = voice_login(person, "allison_en_06", app.at(person.clock.now()))
    assert answered.status_code == 200, answered.text
    assert_documented(person.client, "post", f"{API}/auth/login", answered)  # type: ignore[arg-type]
    assert "access_token" in answered.json()


def test_a_code_goes_with_the_voice_not_with_a_password(
        speaking_hindi: tuple[Allison, pyotp.TOTP]) -> None:
    person, app = speaking_hindi
    refused = person.client.post(f"{API}/auth/login", json={
        "customer_number": person.number, "method": "password", "password": PASSWORD,
        "totp": app.at(person.clock.now())})
    body = assert_envelope(refused, 422, "validation_error")
    assert body["error"]["info"]["field"] == "totp"
