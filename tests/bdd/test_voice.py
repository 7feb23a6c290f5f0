"""Steps for features/voice.feature: the real resemblyzer model on real speech clips
(tests/data/voice, licences in ATTRIBUTION.md)."""

from __future__ import annotations

import punq
from pytest_bdd import given, parsers, scenarios, then, when

from application.use_cases import EnrolVoice, LogInWithVoice, ManageDevices
from domain.device import TrustLevel
from domain.device_key import DeviceProof
from domain.errors import DomainError
from tests.bdd.conftest import World
from tests.bdd.voice_steps import *  # noqa: F403 (the shared steps, as fixtures)
from tests.bdd.voice_steps import HERE, ON_PHONE, PHONE, PHONE_KEY
from tests.support.voice import clip

scenarios("voice.feature")


@given(parsers.parse("{name} has enrolled her voice on her phone with three recordings"))
def enrolled(bdd_bank: punq.Container, world: World, name: str) -> None:
    bdd_bank.resolve(EnrolVoice).execute(
        world["people"][name].id, world["phone"].id,
        [clip(n) for n in ("allison_en_00", "allison_en_01", "allison_en_04")], ON_PHONE)


@given(parsers.parse("{name} has revoked her phone"))
def revoked(bdd_bank: punq.Container, world: World, name: str) -> None:
    bdd_bank.resolve(ManageDevices).revoke(world["people"][name].id, world["phone"].id, HERE)


def _voice_login(bank: punq.Container, world: World, name: str, device: str, recording: str,
                 proof: DeviceProof | None = None, signed: bool = True) -> None:
    """The phone signs a fresh nonce (unless `signed` is False or a proof is given)."""
    world["error"] = None
    number = world["people"][name].customer_number
    if proof is None and signed:
        proof = PHONE_KEY.proof(bank, number, device)
    world["proof"] = proof
    try:
        world["issued"], _ = bank.resolve(LogInWithVoice).execute(
            number, device, clip(recording), HERE, proof)
    except DomainError as error:
        world["error"] = error


@when(parsers.parse('{name} logs in on her phone saying "{recording}"'))
def voice_login(bdd_bank: punq.Container, world: World, name: str, recording: str) -> None:
    _voice_login(bdd_bank, world, name, PHONE.identifier, recording)


@when(parsers.parse('{name} logs in on an unknown phone saying "{recording}"'))
def unknown_phone(bdd_bank: punq.Container, world: World, name: str, recording: str) -> None:
    _voice_login(bdd_bank, world, name, "someone-elses-phone", recording)


@when(parsers.parse("someone names {name}'s phone without its key saying \"{recording}\""))
def named_only(bdd_bank: punq.Container, world: World, name: str, recording: str) -> None:
    _voice_login(bdd_bank, world, name, PHONE.identifier, recording, signed=False)


@when(parsers.parse('someone replays that signed nonce saying "{recording}"'))
def replayed_nonce(bdd_bank: punq.Container, world: World, recording: str) -> None:
    _voice_login(bdd_bank, world, "Asha", PHONE.identifier, recording, proof=world["proof"])


@when(parsers.parse('someone tries to log in as {name} on her phone saying "{recording}" '
                    "{times:d} times"))
def impostor_tries(bdd_bank: punq.Container, world: World, name: str, recording: str,
                   times: int) -> None:
    for _ in range(times):
        _voice_login(bdd_bank, world, name, PHONE.identifier, recording)
        assert world["error"] is not None


@when(parsers.parse('{name} binds her phone again saying "{recording}"'))
def bind_again(bdd_bank: punq.Container, world: World, name: str, recording: str) -> None:
    world["error"] = None
    try:
        person = world["people"][name]
        world["phone"] = bdd_bank.resolve(ManageDevices).bind(
            person.id, PHONE, clip(recording), HERE,
            PHONE_KEY.proof(bdd_bank, person.customer_number, PHONE.identifier))
    except DomainError as error:
        world["error"] = error


@then("the refusal names the score and the threshold")
def names_score(world: World) -> None:
    info = world["error"].info
    assert info["score"] < info["threshold"] and info["reason"] == "no_match"


@then("her phone is trusted again")
def trusted_again(world: World) -> None:
    assert world["error"] is None and world["phone"].trust is TrustLevel.TRUSTED
