"""Steps for features/voice_presence.feature: the spoken challenge, with real speech (Allison's
recordings of each digit, tests/data/voice/digits), the real speaker model and recogniser."""

from __future__ import annotations

import punq
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from application.use_cases import (
    ChangeProfile,
    EnrolVoice,
    IssueDeviceNonce,
    ListAuditEvents,
    LogInWithVoice,
    ProfileChanges,
)
from domain.device_key import DeviceProof
from domain.errors import DomainError
from tests.bdd.conftest import World
from tests.bdd.voice_steps import *  # noqa: F403 (the shared steps, as fixtures)
from tests.bdd.voice_steps import HERE, ON_PHONE, PHONE, PHONE_KEY
from tests.support.spoken import samples, say
from tests.support.voice import clip, encode, narrowband

scenarios("voice_presence.feature")


@pytest.fixture
def bdd_env() -> dict[str, str]:
    return {"VAANI_VOICE_CHALLENGE": "spoken"}


def _challenge(bank: punq.Container, world: World, name: str) -> None:
    number = world["people"][name].customer_number
    issued = bank.resolve(IssueDeviceNonce).execute(number, PHONE.identifier)
    world["proof"] = DeviceProof(issued.nonce, PHONE_KEY.sign(issued.message))
    world["digits"] = issued.spoken


def _answer(bank: punq.Container, world: World, name: str, audio: bytes) -> None:
    world["error"] = None
    try:
        world["issued"], _ = bank.resolve(LogInWithVoice).execute(
            world["people"][name].customer_number, PHONE.identifier, audio, HERE,
            world["proof"])
    except DomainError as error:
        world["error"] = error


@given(parsers.parse("{name} has enrolled her voice on her phone, reading digits as well"))
def enrolled_with_digits(bdd_bank: punq.Container, world: World, name: str) -> None:
    """Three recordings of her speaking and two of her reading digits off the screen, as the
    app asks at enrolment: a voiceprint that knows her voice saying digits."""
    bdd_bank.resolve(EnrolVoice).execute(world["people"][name].id, world["phone"].id, [
        *(clip(n) for n in ("allison_en_00", "allison_en_01", "allison_en_04")),
        say("31415926"), say("27182818")], ON_PHONE)


@given(parsers.parse("{name} prefers to bank in Hindi"))
def prefers_hindi(bdd_bank: punq.Container, world: World, name: str) -> None:
    bdd_bank.resolve(ChangeProfile).execute(ProfileChanges(world["people"][name].id,
                                                           preferred_language="hi"))


@given(parsers.parse("{name} has logged in by saying the digits she was given"))
def logged_in_by_digits(bdd_bank: punq.Container, world: World, name: str) -> None:
    _challenge(bdd_bank, world, name)
    world["answer"] = say(world["digits"])
    _answer(bdd_bank, world, name, world["answer"])
    assert world["error"] is None, world["error"]


@when(parsers.parse("{name} asks for a voice challenge on her phone"))
def asks(bdd_bank: punq.Container, world: World, name: str) -> None:
    _challenge(bdd_bank, world, name)


@when(parsers.parse("{name} says the digits she was given"))
def says(bdd_bank: punq.Container, world: World, name: str) -> None:
    _answer(bdd_bank, world, name, say(world["digits"]))


@when(parsers.parse("{name} says the digits she was given over a telephone line"))
def says_by_telephone(bdd_bank: punq.Container, world: World, name: str) -> None:
    _answer(bdd_bank, world, name, narrowband(say(world["digits"])))


@when(parsers.parse("{name} says other digits than the ones she was given"))
def says_other(bdd_bank: punq.Container, world: World, name: str) -> None:
    other = "".join(str((int(d) + 3) % 10) for d in world["digits"])
    _answer(bdd_bank, world, name, say(other))


@when("someone plays her answer back at half volume to a new challenge")
def played_back(bdd_bank: punq.Container, world: World) -> None:
    _challenge(bdd_bank, world, "Asha")
    _answer(bdd_bank, world, "Asha", encode(samples(world["answer"]) * 0.5, 16000))


@then("the audit trail shows the spoken digits were heard")
def heard(bdd_bank: punq.Container) -> None:
    trail = bdd_bank.resolve(ListAuditEvents).execute(limit=10).items
    verify = next(e for e in trail if e.action == "voice.verify.login")
    assert verify.details["challenge"] == "spoken_digits" and verify.details["reason"] == "match"


@then("the refusal counts as no failed voice attempt")
def not_counted(bdd_bank: punq.Container) -> None:
    trail = bdd_bank.resolve(ListAuditEvents).execute(limit=10).items
    verify = next(e for e in trail if e.action == "voice.verify.login")
    assert verify.details["failures"] == "0"
