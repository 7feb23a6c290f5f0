"""The device factor is possession of a key, not a name (issue #30, items 5 and 6), over HTTP
on every profile: voice login without a proof, with a wrong key, a replayed, expired or
foreign nonce is refused before any voice work, and voice login answers alike whoever exists."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import punq
import pytest
from starlette.testclient import TestClient

from application.ports import UnitOfWorkFactory
from application.use_cases import VerifyAuditTrail
from domain.voice import VoiceSample
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.http.app import create_app
from entrypoints.settings import load_settings
from tests.conftest import PROFILES, TEST_ENV, database_url_for, settings_for
from tests.http.conftest import API
from tests.http.contract import assert_documented
from tests.http.test_devices_and_voice_api import (
    ASHA_HZ,
    PHONE_KEY,
    b64,
    enrol,
    password_login,
    voice_login,
)
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import PASSWORD, customer
from tests.support.clock import SteppingClock
from tests.support.device_keys import DeviceKeyPair
from tests.support.voice import ToneVoiceEngine, tone


class CountingEngine(ToneVoiceEngine):
    """The test engine, counting the recordings it was asked to analyse."""

    analysed = 0

    def analyse(self, audio: bytes) -> VoiceSample:
        self.analysed += 1
        return super().analyse(audio)


@pytest.fixture(params=PROFILES)
def keyed_api(request: pytest.FixtureRequest, tmp_path: Path, clock: SteppingClock
              ) -> Iterator[tuple[TestClient, punq.Container, CountingEngine]]:
    url = database_url_for(str(request.param), tmp_path, request)
    engine = CountingEngine()
    bank = bootstrap(settings_for(url, str(request.param)), clock=clock, voice_engine=engine)
    prepare_database(bank)
    with TestClient(create_app(bank)) as client:
        yield client, bank, engine
    assert bank.resolve(VerifyAuditTrail).execute().ok
    bank.resolve(UnitOfWorkFactory).close()


def _login(client: TestClient, number: str, proof: dict[str, str] | None,
           device: str = "asha-phone-1", seed: int = 50):  # type: ignore[no-untyped-def]
    return client.post(f"{API}/auth/login", json={
        "customer_number": number, "method": "voice", "voice_sample": b64(tone(ASHA_HZ, seed=seed)),
        "device": {"identifier": device, **({"proof": proof} if proof else {})}})


def test_voice_login_is_refused_before_any_voice_work_without_a_valid_fresh_proof(
        keyed_api: tuple[TestClient, punq.Container, CountingEngine],
        clock: SteppingClock) -> None:
    client, bank, engine = keyed_api
    asha = customer(bank)
    number = asha.customer_number
    enrol(client, password_login(client, number))
    thief = DeviceKeyPair()
    expired = PHONE_KEY.http_proof(client, number, "asha-phone-1")
    clock.advance(timedelta(seconds=121))  # the nonce lives two minutes (the injected clock)
    before = engine.analysed
    refused = [_login(client, number, expired)]
    foreign = PHONE_KEY.http_proof(client, number, "asha-tablet-1")  # issued for another device
    good = PHONE_KEY.http_proof(client, number, "asha-phone-1")
    refused += [
        _login(client, number, foreign),
        _login(client, number, None),  # the identifier alone is a label, not a factor
        _login(client, number, thief.http_proof(client, number, "asha-phone-1")),  # wrong key
        _login(client, number, {"nonce": good["nonce"], "signature": b64(bytes(64))}),  # forged
        _login(client, number, good),  # its nonce was spent by the forged attempt above
    ]
    for response in refused:
        assert_envelope(response, 401, "invalid_credentials")
    assert engine.analysed == before  # the speaker model never ran
    fresh = PHONE_KEY.http_proof(client, number, "asha-phone-1")
    assert _login(client, number, fresh, seed=51).status_code == 200
    assert_envelope(_login(client, number, fresh, seed=52), 401, "invalid_credentials")  # replay
    assert engine.analysed == before + 1
    reasons = [e["details"].get("reason") for e in _audit(bank) if e["action"] == "auth.login"
               and e["outcome"] == "failure"]
    assert reasons == ["nonce_expired", "nonce_for_another_device", "device_proof_missing",
                       "bad_signature", "bad_signature", "nonce_unknown_or_used",
                       "nonce_unknown_or_used"]


def test_voice_login_gives_one_answer_whoever_exists(
        keyed_api: tuple[TestClient, punq.Container, CountingEngine]) -> None:
    client, bank, engine = keyed_api
    asha, ravi = customer(bank), customer(bank)
    enrol(client, password_login(client, asha.customer_number))
    password_login(client, ravi.customer_number, "ravi-phone-1")  # bound, keyed, no voice
    key = PHONE_KEY
    answers = [
        voice_login(client, "999999999999", tone(ASHA_HZ, seed=1), key=key),  # nobody
        voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=2), "stolen-phone", key),
        voice_login(client, ravi.customer_number, tone(ASHA_HZ, seed=3), "ravi-phone-1", key),
    ]
    bodies = [assert_envelope(a, 401, "invalid_credentials")["error"] for a in answers]
    assert bodies[0] == bodies[1] == bodies[2]
    assert engine.analysed == 3  # the three enrolment samples; no login reached the voice
    reasons = [e["details"].get("reason") for e in _audit(bank) if e["action"] == "auth.login"
               and e["outcome"] == "failure"]
    assert reasons == ["unknown_customer", "unknown_device", "voice_not_enrolled"]


def test_a_key_is_registered_at_binding_and_only_a_proven_rebinding_changes_it(
        keyed_api: tuple[TestClient, punq.Container, CountingEngine]) -> None:
    client, bank, _ = keyed_api
    asha = customer(bank)
    number = asha.customer_number
    headers = password_login(client, number)
    enrol(client, headers)
    listing = client.get(f"{API}/device-bindings", headers=headers)
    assert_documented(client, "get", f"{API}/device-bindings", listing)
    listed = listing.json()["items"]
    assert listed[0]["key_algorithm"] == "ed25519"
    thief = DeviceKeyPair("es256")
    password_login(client, number, key=thief)  # a password alone does not re-key the phone...
    assert voice_login(client, number, tone(ASHA_HZ, seed=9), key=thief).status_code == 401
    swap = client.post(f"{API}/device-bindings", headers=headers, json={
        "identifier": "asha-phone-1", "public_key": thief.public_key(),
        "proof": thief.http_proof(client, number, "asha-phone-1")})
    assert assert_envelope(swap, 403, "device_not_trusted")["error"]["info"]["reason"] == \
        "another_key_bound"
    # The thief's password login named her phone without its key: the phone lent no trust
    # and must be vouched for again, by its key and her voice.
    assert _trust(client, headers) == "suspicious"
    assert voice_login(client, number, tone(ASHA_HZ, seed=10)).status_code == 401
    again = client.post(f"{API}/device-bindings", headers=headers, json={
        "identifier": "asha-phone-1", "voice_sample": b64(tone(ASHA_HZ, seed=11)),
        "proof": PHONE_KEY.http_proof(client, number, "asha-phone-1")})
    assert again.status_code == 201 and again.json()["trust"] == "trusted"
    assert voice_login(client, number, tone(ASHA_HZ, seed=12)).status_code == 200


def test_a_password_login_naming_a_keyed_device_without_its_proof_lends_no_trust(
        keyed_api: tuple[TestClient, punq.Container, CountingEngine]) -> None:
    """The session's device feeds the fraud screen: naming a trusted phone must not make a
    stolen password look like its owner on her phone."""
    client, bank, _ = keyed_api
    asha = customer(bank)
    number = asha.customer_number
    headers = password_login(client, number)
    assert _trust(client, headers) == "trusted"
    assert _trust(client, password_login(client, number)) == "trusted"  # signed: still hers
    named = client.post(f"{API}/auth/login", json={
        "customer_number": number, "method": "password", "password": PASSWORD,
        "device": {"identifier": "asha-phone-1"}})
    assert named.status_code == 200
    assert _trust(client, headers) == "suspicious"
    reasons = [e["details"].get("reason") for e in _audit(bank) if e["action"] == "device.unproven"]
    assert reasons == ["device_proof_missing"]


def _trust(client: TestClient, headers: dict[str, str]) -> str:
    items = client.get(f"{API}/device-bindings", headers=headers).json()["items"]
    return str(next(d["trust"] for d in items if d["identifier"] == "asha-phone-1"))


def test_bindings_without_a_key_work_only_where_configuration_allows(
        tmp_path: Path, clock: SteppingClock) -> None:
    for mode, status in (("required", 401), ("optional", 200)):
        settings = load_settings({**TEST_ENV, "VAANI_DEVICE_KEYS": mode,
                                  "VAANI_DATABASE_URL": f"sqlite:///{tmp_path / mode}.db"})
        bank = bootstrap(settings, clock=clock, voice_engine=ToneVoiceEngine())
        prepare_database(bank)
        with TestClient(create_app(bank)) as client:
            asha = customer(bank)
            enrol(client, password_login(client, asha.customer_number, key=None))
            answer = voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=30), key=None)
            assert answer.status_code == status, answer.text
        bank.resolve(UnitOfWorkFactory).close()


def test_the_device_challenge_endpoint_answers_alike_and_refuses_bad_input(
        keyed_api: tuple[TestClient, punq.Container, CountingEngine]) -> None:
    client, bank, _ = keyed_api
    asha = customer(bank)
    url = f"{API}/auth/device-challenge"
    known = client.post(url, json={"customer_number": asha.customer_number,
                                   "device_identifier": "asha-phone-1"})
    unknown = client.post(url, json={"customer_number": "000000000000",
                                     "device_identifier": "asha-phone-1"})
    assert known.status_code == unknown.status_code == 201
    assert set(known.json()) == set(unknown.json()) == {"nonce", "expires_at", "message", "say"}
    assert known.headers["cache-control"] == "no-store"
    for bad in ({"customer_number": asha.customer_number, "device_identifier": "a b"},
                {"customer_number": "", "device_identifier": "asha-phone-1"},
                {"customer_number": asha.customer_number},
                {"customer_number": asha.customer_number, "device_identifier": "asha-phone-1",
                 "extra": 1}):
        assert_envelope(client.post(url, json=bad), 422, "validation_error")
    bad_key = client.post(f"{API}/auth/login", json={
        "customer_number": asha.customer_number, "method": "password", "password": PASSWORD,
        "device": {"identifier": "asha-phone-1",
                   "public_key": {"algorithm": "ed25519", "key": b64(b"not a key")}}})
    assert assert_envelope(bad_key, 422, "validation_error")


def _audit(bank: punq.Container) -> list[dict]:  # type: ignore[type-arg]
    with bank.resolve(UnitOfWorkFactory)() as uow:
        return [{"action": e.action, "outcome": e.outcome, "details": dict(e.details)}
                for e in uow.audit.all_in_order()]


def test_a_device_bound_before_keys_lends_no_trust_and_takes_a_key_only_with_the_voice(
        keyed_api: tuple[TestClient, punq.Container, CountingEngine]) -> None:
    """A password alone must not adopt an old keyless phone: neither by naming it at login nor
    by putting the thief's own key on it."""
    client, bank, _ = keyed_api
    number = customer(bank).customer_number
    headers = password_login(client, number, key=None)  # bound before keys existed
    enrol(client, headers)
    thief = DeviceKeyPair()
    adopt = client.post(f"{API}/device-bindings", headers=headers, json={
        "identifier": "asha-phone-1", "public_key": thief.public_key(),
        "proof": thief.http_proof(client, number, "asha-phone-1")})
    assert assert_envelope(adopt, 403, "device_not_trusted")["error"]["info"]["reason"] == \
        "voice_needed_to_add_key"
    password_login(client, number, key=None)  # naming it: it cannot prove itself
    assert _trust(client, headers) == "suspicious"
    again = client.post(f"{API}/device-bindings", headers=headers, json={
        "identifier": "asha-phone-1", "public_key": PHONE_KEY.public_key(),
        "voice_sample": b64(tone(ASHA_HZ, seed=21)),
        "proof": PHONE_KEY.http_proof(client, number, "asha-phone-1")})
    assert again.status_code == 201 and again.json()["trust"] == "trusted", again.text
    assert voice_login(client, number, tone(ASHA_HZ, seed=22)).status_code == 200
