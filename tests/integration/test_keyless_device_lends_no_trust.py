"""A password alone never confers a known device's trust, voice enrolled or not, on every
profile. A binding made before device keys has only a name, and every session of the customer
can list it: a password thief who names it at login must not be weighed by the fraud screen as
the customer's known phone. The owner's way back without a voice is a key: a login naming the
binding with one binds it anew, as a new device (trusted, new for its settling day, the owner
told), and the sessions that named it before end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import punq
import pytest

from application.auth_policy import AuthPolicy
from application.context import DeviceInfo, RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    Authenticate,
    EnrolVoice,
    LogInWithPassword,
    ManageDevices,
    ReadEvents,
)
from domain.alerts import AlertKind, alerts_for
from domain.customer import Customer
from domain.device import DeviceBinding, TrustLevel
from domain.errors import Unauthorized
from domain.transfer import TransferStatus
from tests.conftest import PROFILES
from tests.integration.test_new_device_weighs_new import UNUSUAL, USUAL, device_codes, pay
from tests.support.banking import PASSWORD, account, customer
from tests.support.clock import SteppingClock
from tests.support.device_keys import DeviceKeyPair
from tests.support.tone_bank import tone_bank
from tests.support.voice import tone

PHONE = "asha-old-phone"  # bound before device keys: it has none
OWNER_KEY, THIEF_KEY = DeviceKeyPair(), DeviceKeyPair()


@pytest.fixture
def cast(bank: punq.Container, clock: SteppingClock):  # type: ignore[no-untyped-def]
    """Asha, no voice enrolled, whose keyless phone has been hers for longer than the settling
    day, and who has paid Ravi 100.00 five times from it: it is her known device."""
    asha, ravi = customer(bank, first_name="Asha"), customer(bank, first_name="Ravi")
    source = account(bank, asha, "100000.00").account_number
    payee = account(bank, ravi).account_number
    log_in(bank, asha, DeviceInfo(PHONE, "asha-hardware"))
    clock.advance(bank.resolve(AuthPolicy).factor_settles_after)
    for _ in range(5):
        pay(bank, asha, source, payee, USUAL, PHONE)
        clock.advance(timedelta(hours=3))
    known = pay(bank, asha, source, payee, USUAL, PHONE)
    assert device_codes(known) == set() and phone(bank, asha).key is None
    return asha, source, payee


def log_in(bank: punq.Container, who: Customer, device: DeviceInfo | None):  # type: ignore[no-untyped-def]
    issued, _ = bank.resolve(LogInWithPassword).execute(who.customer_number, PASSWORD,
                                                        device=device)
    return issued


def phone(bank: punq.Container, who: Customer) -> DeviceBinding:
    return next(b for b in bank.resolve(ManageDevices).list(who.id) if b.identifier == PHONE)


def audited(bank: punq.Container, action: str) -> list[dict[str, object]]:
    with bank.resolve(UnitOfWorkFactory)() as uow:
        return [dict(e.details) for e in uow.audit.all_in_order() if e.action == action]


def thief_names_the_phone(bank: punq.Container, asha: Customer):  # type: ignore[no-untyped-def]
    """The thief's first session names no device; it lists hers; the second names her phone."""
    first = log_in(bank, asha, None)
    principal = bank.resolve(Authenticate).execute(first.access_token)
    listed = [b.identifier for b in bank.resolve(ManageDevices).list(principal.customer_id)]
    assert PHONE in listed
    return log_in(bank, asha, DeviceInfo(PHONE))


def test_a_password_naming_her_keyless_phone_is_weighed_as_a_suspicious_device(
        bank: punq.Container, cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    thief_names_the_phone(bank, asha)
    assert phone(bank, asha).trust is TrustLevel.SUSPICIOUS
    assert [d["reason"] for d in audited(bank, "device.unproven")] == ["device_has_no_key"]
    usual = pay(bank, asha, source, payee, USUAL, PHONE)
    assert device_codes(usual) == {"device_suspicious"}
    held = pay(bank, asha, source, payee, UNUSUAL, PHONE)  # her known phone would have let it
    assert "device_suspicious" in {c.code for c in held.assessment.contributions}
    assert held.transfer.status is not TransferStatus.COMPLETED


def test_her_login_bringing_a_key_binds_the_phone_anew_as_a_new_device(
        bank: punq.Container, clock: SteppingClock, cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    stolen = thief_names_the_phone(bank, asha)
    log_in(bank, asha, DeviceInfo(PHONE, "asha-new-hardware", key=OWNER_KEY.key))
    rebound = phone(bank, asha)
    assert (rebound.trust, rebound.key) == (TrustLevel.TRUSTED, OWNER_KEY.key)
    assert rebound.created_at == clock.now() and rebound.fingerprint == "asha-new-hardware"
    assert audited(bank, "device.rekeyed") == [
        {"trust": "trusted", "key": "ed25519", "sessions_ended": "1"}]
    with pytest.raises(Unauthorized):  # the thief's session named it without the key
        bank.resolve(Authenticate).execute(stolen.access_token)
    told = [e for e in bank.resolve(ReadEvents).mine(asha.id, after=None, limit=50).items
            if e.type == "device.new"]
    assert [e.resource for e in told] == [f"device:{rebound.id}"] * 2  # bound, then bound anew
    assert [a.kind for a in alerts_for(told[-1])] == [AlertKind.SECURITY]
    day = bank.resolve(AuthPolicy).factor_settles_after
    clock.advance(day - timedelta(minutes=1))
    assert device_codes(pay(bank, asha, source, payee, USUAL, PHONE)) == {"device_new"}
    clock.advance(timedelta(minutes=1))
    assert device_codes(pay(bank, asha, source, payee, USUAL, PHONE)) == set()


def test_once_keyed_the_password_alone_neither_re_keys_it_nor_borrows_its_trust(
        bank: punq.Container, cast) -> None:  # type: ignore[no-untyped-def]
    asha, _, _ = cast
    log_in(bank, asha, DeviceInfo(PHONE, key=OWNER_KEY.key))
    log_in(bank, asha, DeviceInfo(PHONE, key=OWNER_KEY.key, proof=OWNER_KEY.proof(
        bank, asha.customer_number, PHONE)))  # her app, signing: still hers
    assert phone(bank, asha).trust is TrustLevel.TRUSTED
    log_in(bank, asha, DeviceInfo(PHONE, key=THIEF_KEY.key))  # another key, no proof
    kept = phone(bank, asha)
    assert (kept.trust, kept.key) == (TrustLevel.SUSPICIOUS, OWNER_KEY.key)
    assert len(audited(bank, "device.rekeyed")) == 1
    assert [d["reason"] for d in audited(bank, "device.unproven")] == ["device_proof_missing"]


def test_a_key_put_on_her_phone_by_binding_makes_it_a_new_device_not_her_known_one(
        bank: punq.Container, clock: SteppingClock, cast) -> None:  # type: ignore[no-untyped-def]
    """POST /device-bindings with a key and its proof: the key's holder proves only the key.
    The other sessions named the phone without it and end; the one that sent the proof stays."""
    asha, source, payee = cast
    other = thief_names_the_phone(bank, asha)
    sender = log_in(bank, asha, DeviceInfo(PHONE))
    bank.resolve(ManageDevices).bind(
        asha.id, DeviceInfo(PHONE, key=THIEF_KEY.key), None, RequestContext(ip="203.0.113.9"),
        THIEF_KEY.proof(bank, asha.customer_number, PHONE), session_id=sender.session.id)
    adopted = phone(bank, asha)
    assert (adopted.trust, adopted.key) == (TrustLevel.TRUSTED, THIEF_KEY.key)
    assert adopted.created_at == clock.now()
    assert [d["sessions_ended"] for d in audited(bank, "device.rekeyed")] == ["1"]
    with pytest.raises(Unauthorized):
        bank.resolve(Authenticate).execute(other.access_token)
    bank.resolve(Authenticate).execute(sender.access_token)
    assert device_codes(pay(bank, asha, source, payee, USUAL, PHONE)) == {"device_new"}


@pytest.fixture(params=PROFILES)
def voiced_bank(request: pytest.FixtureRequest, tmp_path: Path,
                clock: SteppingClock) -> Iterator[punq.Container]:
    yield from tone_bank(request, tmp_path, clock)


def test_with_a_voice_enrolled_a_login_bringing_a_key_still_lends_nothing(
        voiced_bank: punq.Container) -> None:
    """The rules for a customer with a voice stand: a key on an old binding needs the voice."""
    bank = voiced_bank
    asha = customer(bank)
    log_in(bank, asha, DeviceInfo(PHONE))
    bank.resolve(EnrolVoice).execute(asha.id, phone(bank, asha).id,
                                     [tone(440, seed=s) for s in (1, 2, 3)],
                                     RequestContext(device_id=PHONE))
    log_in(bank, asha, DeviceInfo(PHONE, key=OWNER_KEY.key))
    kept = phone(bank, asha)
    assert (kept.trust, kept.key) == (TrustLevel.SUSPICIOUS, None)
    assert audited(bank, "device.rekeyed") == [] and len(audited(bank, "device.key_ignored")) == 1
    assert [d["reason"] for d in audited(bank, "device.unproven")] == ["device_has_no_key"]
