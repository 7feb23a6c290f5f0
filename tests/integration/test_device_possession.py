"""Device possession at the use-case level on every profile: a signed nonce proves the device
once, even to parallel takers, and voice login with one proof logs in at most once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import punq
import pytest

from adapters.security import SignatureKeyVerifier
from application.context import DeviceInfo, RequestContext
from application.device_possession import DeviceKeyVerifier, DevicePossession
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    EnrolVoice,
    IssueDeviceNonce,
    LogInWithPassword,
    LogInWithVoice,
    ManageDevices,
)
from application.use_cases.voice_login import NOT_ACCEPTED
from domain.device_key import DeviceKey, DeviceProof
from domain.errors import DeviceNotTrusted, DomainError, InvalidCredentials
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import load_settings
from tests.conftest import PROFILES, TEST_ENV
from tests.support.banking import PASSWORD, customer
from tests.support.clock import SteppingClock
from tests.support.device_keys import DeviceKeyPair
from tests.support.tone_bank import tone_bank
from tests.support.voice import ToneVoiceEngine, tone

KEY = DeviceKeyPair()
PHONE = DeviceInfo("asha-phone-0001", key=KEY.key)
HERE = RequestContext(ip="203.0.113.7")
ON_PHONE = RequestContext(ip="203.0.113.7", device_id=PHONE.identifier)  # the phone's session
PARALLEL = 6


@pytest.fixture(params=PROFILES)
def keyed_bank(request: pytest.FixtureRequest, tmp_path: Path,
               clock: SteppingClock) -> Iterator[punq.Container]:
    yield from tone_bank(request, tmp_path, clock)


def _enrolled(bank: punq.Container):  # type: ignore[no-untyped-def]
    asha = customer(bank)
    bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD, HERE, PHONE)
    binding = bank.resolve(ManageDevices).list(asha.id)[0]
    assert binding.key == KEY.key  # registered at binding, as SubjectPublicKeyInfo DER
    bank.resolve(EnrolVoice).execute(asha.id, binding.id, [tone(440, seed=s) for s in (1, 2, 3)],
                                     ON_PHONE)
    return asha, binding


def _all_at_once(work, count: int = PARALLEL) -> list[object]:  # type: ignore[no-untyped-def]
    start = threading.Barrier(count)

    def one(i: int) -> object:
        start.wait()
        try:
            return work(i)
        except DomainError as error:
            return error

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def test_parallel_takers_of_one_signed_nonce_prove_the_device_once(
        keyed_bank: punq.Container) -> None:
    asha, binding = _enrolled(keyed_bank)
    proof = KEY.proof(keyed_bank, asha.customer_number, PHONE.identifier)
    possession = keyed_bank.resolve(DevicePossession)
    factory = keyed_bank.resolve(UnitOfWorkFactory)

    def take(_: int) -> str | None:
        with factory(write=True) as uow:
            reason = possession.refusal(uow, asha.customer_number, PHONE.identifier,
                                        binding.key, proof)
            uow.commit()
            return reason

    reasons = _all_at_once(take)
    assert reasons.count(None) == 1
    assert sorted(r for r in reasons if r) == ["nonce_unknown_or_used"] * (PARALLEL - 1)


def test_voice_login_with_one_proof_in_parallel_logs_in_at_most_once(
        keyed_bank: punq.Container) -> None:
    asha, _ = _enrolled(keyed_bank)
    proof = KEY.proof(keyed_bank, asha.customer_number, PHONE.identifier)
    login = keyed_bank.resolve(LogInWithVoice)
    outcomes = _all_at_once(lambda i: login.execute(
        asha.customer_number, PHONE.identifier, tone(440, seed=10 + i), HERE, proof))
    assert sum(not isinstance(o, DomainError) for o in outcomes) == 1
    assert all(isinstance(o, InvalidCredentials) for o in outcomes if isinstance(o, DomainError))


def test_a_proof_is_bound_to_its_customer_and_device_and_its_key(
        keyed_bank: punq.Container) -> None:
    asha, _ = _enrolled(keyed_bank)
    login = keyed_bank.resolve(LogInWithVoice)
    number = asha.customer_number
    issued = keyed_bank.resolve(IssueDeviceNonce).execute(number, PHONE.identifier)
    nonce, message = issued.nonce, issued.message
    other = DeviceKeyPair("es256")
    for proof in (DeviceProof(nonce, other.sign(message)),  # another key
                  DeviceProof(nonce + "x", KEY.sign(message)),  # a nonce never issued
                  None):
        with pytest.raises(InvalidCredentials):
            login.execute(number, PHONE.identifier, tone(440, seed=20), HERE, proof)
    fresh = KEY.proof(keyed_bank, number, PHONE.identifier)
    issued, who = login.execute(number, PHONE.identifier, tone(440, seed=21), HERE, fresh)
    assert who.id == asha.id and issued.access_token


def test_rebinding_by_voice_needs_the_proof_before_the_voice(keyed_bank: punq.Container) -> None:
    asha, binding = _enrolled(keyed_bank)
    devices = keyed_bank.resolve(ManageDevices)
    devices.revoke(asha.id, binding.id, HERE)
    with pytest.raises(DeviceNotTrusted) as unproven:
        devices.bind(asha.id, PHONE, tone(440, seed=30), HERE)
    assert unproven.value.info["reason"] == "device_proof_missing"
    thief = DeviceKeyPair()
    with pytest.raises(DeviceNotTrusted) as wrong:
        devices.bind(asha.id, PHONE, tone(440, seed=31), HERE,
                     thief.proof(keyed_bank, asha.customer_number, PHONE.identifier))
    assert wrong.value.info["reason"] == "bad_signature"
    bound = devices.bind(asha.id, PHONE, tone(440, seed=32), HERE,
                         KEY.proof(keyed_bank, asha.customer_number, PHONE.identifier))
    assert bound.trust.value == "trusted" and bound.key == KEY.key


def test_optional_keys_still_ask_a_keyed_device_for_its_proof(clock: SteppingClock) -> None:
    """VAANI_DEVICE_KEYS=optional spares only bindings without a key, revoked ones included."""
    settings = load_settings({**TEST_ENV, "VAANI_PROFILE": "memory",
                              "VAANI_DEVICE_KEYS": "optional"})
    bank = bootstrap(settings, clock=clock, voice_engine=ToneVoiceEngine())
    asha, binding = _enrolled(bank)
    with pytest.raises(InvalidCredentials):
        bank.resolve(LogInWithVoice).execute(asha.customer_number, PHONE.identifier,
                                             tone(440, seed=40), HERE)
    devices = bank.resolve(ManageDevices)
    devices.revoke(asha.id, binding.id, HERE)
    keyless = DeviceInfo(PHONE.identifier)  # re-bound by voice, naming no key: the old one counts
    with pytest.raises(DeviceNotTrusted) as unproven:
        devices.bind(asha.id, keyless, tone(440, seed=41), HERE)
    assert unproven.value.info["reason"] == "device_proof_missing"
    assert devices.bind(asha.id, keyless, tone(440, seed=42), HERE, KEY.proof(
        bank, asha.customer_number, PHONE.identifier)).trust.value == "trusted"


class CountingKeys(SignatureKeyVerifier):
    """The real verifier, counting the signatures it checked."""

    checked = 0

    def verify(self, key: DeviceKey, message: bytes, proof: DeviceProof) -> bool:
        self.checked += 1
        return super().verify(key, message, proof)


def test_every_refused_voice_login_does_the_same_work(keyed_bank: punq.Container) -> None:
    """Unknown customer, unknown device, no voice, wrong key: one answer, one signature
    checked each (a decoy key where there is none), and no voice analysed (the recording is
    not even audio, which the engine would refuse with validation_error)."""
    keys = CountingKeys()
    keyed_bank.register(DeviceKeyVerifier, instance=keys)
    keyed_bank.register(DevicePossession, scope=punq.Scope.singleton)
    keyed_bank.register(LogInWithVoice, scope=punq.Scope.singleton)
    asha, _ = _enrolled(keyed_bank)
    ravi = customer(keyed_bank)
    keyed_bank.resolve(LogInWithPassword).execute(ravi.customer_number, PASSWORD, HERE,
                                                  DeviceInfo("ravi-phone-0001", key=KEY.key))
    login = keyed_bank.resolve(LogInWithVoice)
    cases = [("000000000000", PHONE.identifier, KEY), (asha.customer_number, "stolen-0001", KEY),
             (ravi.customer_number, "ravi-phone-0001", KEY),
             (asha.customer_number, PHONE.identifier, DeviceKeyPair())]
    for number, identifier, key in cases:
        before = keys.checked
        with pytest.raises(InvalidCredentials) as refused:
            login.execute(number, identifier, b"not even audio", HERE,
                          key.proof(keyed_bank, number, identifier))
        assert keys.checked == before + 1
        assert str(refused.value) == str(InvalidCredentials(NOT_ACCEPTED))
