"""Who may enrol a voice, on every profile: only a session on the trusted device the voiceprint
is bound to, the first time and again (a password thief elsewhere cannot replace the voice), and
again only with the password and a UPI PIN the password did not just set."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import attrs
import punq
import pytest

from application.context import DeviceInfo, RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    Authenticate,
    EnrolVoice,
    ListAuditEvents,
    LogInWithPassword,
    ManageDevices,
    SetUpiPin,
)
from domain.customer import Customer
from domain.errors import DeviceNotTrusted, Unauthorized
from domain.voice import Voiceprint
from tests.conftest import PROFILES
from tests.support.banking import PASSWORD, customer
from tests.support.clock import SteppingClock
from tests.support.device_keys import DeviceKeyPair
from tests.support.tone_bank import tone_bank
from tests.support.voice import tone

KEY = DeviceKeyPair()
PHONE = DeviceInfo("asha-phone-0001", key=KEY.key)
THIEF = DeviceInfo("thief-laptop-01")
ON_PHONE = RequestContext(ip="203.0.113.7", device_id=PHONE.identifier)
ON_THIEF = RequestContext(ip="198.51.100.66", device_id=THIEF.identifier)
ASHA_HZ, THIEF_HZ = 440.0, 1230.0


@pytest.fixture(params=PROFILES)
def voice_bank(request: pytest.FixtureRequest, tmp_path: Path,
               clock: SteppingClock) -> Iterator[punq.Container]:
    yield from tone_bank(request, tmp_path, clock)


def voices(hz: float, first: int) -> list[bytes]:
    return [tone(hz, seed=s) for s in range(first, first + 3)]


def voiceprint(bank: punq.Container, who: Customer) -> Voiceprint | None:
    with bank.resolve(UnitOfWorkFactory)() as uow:
        return uow.voice.voiceprint(who.id)


def on_phone_and_thiefs_laptop(bank: punq.Container) -> tuple[Customer, UUID]:
    """Asha's phone, and a laptop a password thief logged in on (trusted too: no voice yet)."""
    asha = customer(bank)
    login = bank.resolve(LogInWithPassword)
    login.execute(asha.customer_number, PASSWORD, ON_PHONE, PHONE)
    login.execute(asha.customer_number, PASSWORD, ON_THIEF, THIEF)
    phone = next(b for b in bank.resolve(ManageDevices).list(asha.id)
                 if b.identifier == PHONE.identifier)
    return asha, phone.id


def test_a_first_enrolment_comes_from_the_bound_device_itself(voice_bank: punq.Container) -> None:
    asha, phone = on_phone_and_thiefs_laptop(voice_bank)
    enrol = voice_bank.resolve(EnrolVoice)
    for elsewhere in (ON_THIEF, RequestContext(ip="203.0.113.7")):  # another device, or none
        with pytest.raises(DeviceNotTrusted) as refused:
            enrol.execute(asha.id, phone, voices(THIEF_HZ, 1), elsewhere)
        assert refused.value.info["reason"] == "another_device"
        assert "from the device" in refused.value.message
    assert voiceprint(voice_bank, asha) is None
    trail = voice_bank.resolve(ListAuditEvents).execute(limit=50).items
    assert [e.outcome for e in trail if e.action == "voice.enrol.refused"] == ["denied"] * 2
    made = enrol.execute(asha.id, phone, voices(THIEF_HZ, 1), ON_PHONE)  # samples not spent
    assert made.device_binding_id == phone


def test_enrolling_again_from_another_device_is_refused_with_every_factor(
        voice_bank: punq.Container, clock: SteppingClock) -> None:
    asha, phone = on_phone_and_thiefs_laptop(voice_bank)
    enrol = voice_bank.resolve(EnrolVoice)
    first = enrol.execute(asha.id, phone, voices(ASHA_HZ, 1), ON_PHONE)
    signed = attrs.evolve(PHONE, proof=KEY.proof(voice_bank, asha.customer_number,
                                                 PHONE.identifier))
    issued, _ = voice_bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD,
                                                              ON_PHONE, signed)
    who = voice_bank.resolve(Authenticate).execute(issued.access_token)
    voice_bank.resolve(SetUpiPin).execute(who, "4826", PASSWORD, ON_PHONE)  # her own PIN
    clock.advance(timedelta(days=2))
    with pytest.raises(DeviceNotTrusted) as refused:
        enrol.execute(asha.id, phone, voices(THIEF_HZ, 11), ON_THIEF, PASSWORD, "4826")
    assert refused.value.info["reason"] == "another_device"
    kept = voiceprint(voice_bank, asha)
    assert kept is not None and (kept.id, kept.sample_hashes) == (first.id, first.sample_hashes)
    again = enrol.execute(asha.id, phone, voices(ASHA_HZ, 11), ON_PHONE, PASSWORD, "4826")
    assert again.id != first.id and again.device_binding_id == phone


def test_enrolling_again_refuses_a_pin_set_in_the_last_day(
        voice_bank: punq.Container, clock: SteppingClock) -> None:
    """Set by the password a minute ago, the PIN would be the password's word twice."""
    asha, phone = on_phone_and_thiefs_laptop(voice_bank)
    enrol = voice_bank.resolve(EnrolVoice)
    first = enrol.execute(asha.id, phone, voices(ASHA_HZ, 1), ON_PHONE)
    issued, _ = voice_bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD,
                                                              ON_THIEF, THIEF)
    thief = voice_bank.resolve(Authenticate).execute(issued.access_token)
    set_pin = voice_bank.resolve(SetUpiPin)
    set_pin.execute(thief, "4826", PASSWORD, ON_THIEF)
    for pin_age in (timedelta(0), timedelta(hours=23, minutes=59)):
        clock.advance(pin_age)
        with pytest.raises(Unauthorized) as young:
            enrol.execute(asha.id, phone, voices(ASHA_HZ, 11), ON_PHONE, PASSWORD, "4826")
        assert young.value.info["reason"] == "pin_too_recent"
    assert voiceprint(voice_bank, asha).id == first.id  # type: ignore[union-attr]
    clock.advance(timedelta(minutes=1))
    set_pin.execute(thief, "739152", PASSWORD, ON_THIEF)  # changed: a new day to wait
    with pytest.raises(Unauthorized) as changed:
        enrol.execute(asha.id, phone, voices(ASHA_HZ, 11), ON_PHONE, PASSWORD, "739152")
    assert changed.value.info["reason"] == "pin_too_recent"
    clock.advance(timedelta(days=1))
    assert enrol.execute(asha.id, phone, voices(ASHA_HZ, 11), ON_PHONE, PASSWORD,
                         "739152").id != first.id
