"""Every second factor a held payment accepts settles before it answers one, on every profile.
The password alone can turn an authenticator on (its secret in the thief's own app) or enrol a
first voice (from a device a password login bound, trusted while no voice is enrolled): such a
factor, created or replaced less than `AuthPolicy.factor_settles_after` ago, answers no hold.
The refusal is no wrong answer: the code or voice is checked and recorded as any answer's is,
the hold stays, and nothing moves. Logins are untouched (they give a session, which the
password gives already). The voice here is the tone engine's: the voice is not under test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import punq
import pyotp
import pytest

from application.audit import AuditRecorder
from application.auth_policy import AuthPolicy
from application.context import DeviceInfo, RequestContext
from application.device_possession import DevicePossession
from application.holds import HoldKeeper
from application.ports import Clock, UnitOfWorkFactory
from application.second_factor import SecondFactorCheck
from application.use_cases import (
    AnswerChallenge,
    EnrolVoice,
    GetBalance,
    GetTransfer,
    ListAuditEvents,
    LogInWithPassword,
    ManageDevices,
    ManageTotp,
    VerifyUpiPin,
)
from application.voice_answer import VoiceListener
from application.voice_checks import VoiceVerifier
from domain.customer import Customer
from domain.errors import (
    FactorTooRecent,
    TotpNotEnabled,
    TotpTooRecent,
    Unauthorized,
    VoiceTooRecent,
)
from domain.timestamps import rfc3339
from domain.transfer import Transfer, TransferStatus
from tests.conftest import PROFILES
from tests.integration.test_pin_settles_for_holds import pay
from tests.support.banking import PASSWORD, account, customer, settled_pin
from tests.support.clock import SteppingClock
from tests.support.device_keys import DeviceKeyPair
from tests.support.tone_bank import tone_bank
from tests.support.voice import tone

KEY, THIEF_KEY = DeviceKeyPair(), DeviceKeyPair()
PHONE = DeviceInfo("asha-phone", "hw-1", key=KEY.key)
ON_PHONE = RequestContext(device_id="asha-phone")
THIEF_PHONE = DeviceInfo("other-phone", "hw-9", key=THIEF_KEY.key)
ON_THIEF = RequestContext(device_id="other-phone", ip="203.0.113.9")


@pytest.fixture(params=PROFILES)
def bank(request: pytest.FixtureRequest, tmp_path: Path,
         clock: SteppingClock) -> Iterator[punq.Container]:
    yield from tone_bank(request, tmp_path, clock, ledger=True)


Cast = tuple[Customer, str, str]


def asha(bank: punq.Container, clock: SteppingClock,
         before: Callable[[Customer], None] = lambda _: None) -> Cast:
    """Asha on her phone (bound with its key at a password login), `before` done, two days
    going by, then a habit of paying Ravi 100.00: a payment of 5000.00 is held for a step-up."""
    her, ravi = customer(bank, first_name="Asha"), customer(bank, first_name="Ravi")
    source = account(bank, her, "100000.00").account_number
    payee = account(bank, ravi).account_number
    bank.resolve(LogInWithPassword).execute(her.customer_number, PASSWORD, ON_PHONE, PHONE)
    before(her)
    clock.advance(timedelta(days=2))  # the set-up is no longer a "recent security event"
    for _ in range(5):
        pay(bank, her, source, payee, "100.00", ON_PHONE)
        clock.advance(timedelta(hours=3))
    return her, source, payee



def held(bank: punq.Container, cast: Cast, context: RequestContext) -> Transfer:
    who, source, payee = cast
    transfer = pay(bank, who, source, payee, "5000.00", context)
    assert transfer.status is TransferStatus.CHALLENGE_REQUIRED
    return transfer


def authenticator(bank: punq.Container, who: Customer, clock: SteppingClock,
                  context: RequestContext) -> pyotp.TOTP:
    """Two-step login turned on with the password alone and a code from an app of the
    caller's choosing; the confirming code's step is spent meanwhile."""
    app = pyotp.TOTP(bank.resolve(ManageTotp).enrol(who.id, PASSWORD, context).secret)
    bank.resolve(ManageTotp).confirm(who.id, app.at(clock.now()), context)
    clock.advance(timedelta(seconds=30))
    return app


def enrol(bank: punq.Container, who: Customer, device: DeviceInfo, context: RequestContext,
          frequency: int) -> None:
    binding = next(b for b in bank.resolve(ManageDevices).list(who.id)
                   if b.identifier == device.identifier)
    bank.resolve(EnrolVoice).execute(who.id, binding.id,
                                     [tone(frequency, seed=s) for s in (1, 2, 3)], context)


def by_voice(bank: punq.Container, who: Customer, transfer: Transfer, keys: DeviceKeyPair,
             device: DeviceInfo, context: RequestContext, frequency: int, seed: int) -> Transfer:
    proof = keys.proof(bank, who.customer_number, device.identifier)
    return bank.resolve(AnswerChallenge).execute(who.id, transfer.id, context,
                                                 voice=tone(frequency, seed=seed), proof=proof)


def stays_held(bank: punq.Container, cast: Cast, transfer: Transfer, refused: FactorTooRecent,
               reason: str, since: str) -> None:
    """Refused as no answer: 401's family, the reason and when the factor settles, the hold
    kept (nothing moved, nothing voided), and the refusal recorded against the transfer."""
    who, source, _ = cast
    assert isinstance(refused, Unauthorized) and refused.code == "unauthorized"
    assert refused.info == {"reason": reason, "usable_from": since}
    assert bank.resolve(GetTransfer).execute(who.id, transfer.id, ON_PHONE).transfer.status \
        is TransferStatus.CHALLENGE_REQUIRED
    shown = bank.resolve(GetBalance).execute(None, source)
    assert (shown.balance.format(), shown.available_balance.format()) == \
        ("99500.00", "94500.00")  # held, not moved
    trail = [e for e in bank.resolve(ListAuditEvents).execute(limit=100).items
             if e.resource == f"transfer:{transfer.id}"]
    assert [e.outcome for e in trail if e.action == "money.transfer.challenge_refused"] == \
        ["denied"]
    assert not [e for e in trail if e.action in ("money.transfer.voided",
                                                 "money.transfer.released")]


def test_an_authenticator_the_password_just_turned_on_answers_no_hold(
        bank: punq.Container, clock: SteppingClock) -> None:
    cast = asha(bank, clock)
    who = cast[0]
    bank.resolve(LogInWithPassword).execute(who.customer_number, PASSWORD, ON_THIEF,
                                            THIEF_PHONE)
    transfer = held(bank, cast, ON_THIEF)
    on_at = clock.now()
    app = authenticator(bank, who, clock, ON_THIEF)
    with pytest.raises(TotpTooRecent) as refused:
        bank.resolve(AnswerChallenge).execute(who.id, transfer.id, ON_THIEF,
                                              totp=app.at(clock.now()))
    assert "UPI PIN" in refused.value.message and "voice" in refused.value.message
    settles = on_at + bank.resolve(AuthPolicy).factor_settles_after
    stays_held(bank, cast, transfer, refused.value, "totp_too_recent", rfc3339(settles))
    # The code was checked and spent as any answer's is.
    trail = bank.resolve(ListAuditEvents).execute(limit=100).items
    assert [e.outcome for e in trail if e.action == "transfer.challenge.totp"] == ["success"]


def test_an_authenticator_on_for_days_answers_a_hold_as_before(
        bank: punq.Container, clock: SteppingClock) -> None:
    apps: list[pyotp.TOTP] = []
    cast = asha(bank, clock, lambda her: apps.append(authenticator(bank, her, clock, ON_PHONE)))
    who = cast[0]
    transfer = held(bank, cast, ON_PHONE)
    posted = bank.resolve(AnswerChallenge).execute(who.id, transfer.id, ON_PHONE,
                                                   totp=apps[0].at(clock.now()))
    assert posted.status is TransferStatus.COMPLETED


def test_a_first_voice_enrolled_from_a_device_the_password_bound_answers_no_hold(
        bank: punq.Container, clock: SteppingClock) -> None:
    """No voice enrolled: a password login from another phone binds it trusted, that phone
    enrols the thief's voice, and the voice matches. Heard and recorded, but no answer."""
    cast = asha(bank, clock)
    who = cast[0]
    bank.resolve(LogInWithPassword).execute(who.customer_number, PASSWORD, ON_THIEF,
                                            THIEF_PHONE)
    transfer = held(bank, cast, ON_THIEF)
    enrolled_at = clock.now()
    enrol(bank, who, THIEF_PHONE, ON_THIEF, 300)
    with pytest.raises(VoiceTooRecent) as refused:
        by_voice(bank, who, transfer, THIEF_KEY, THIEF_PHONE, ON_THIEF, 300, seed=7)
    assert "UPI PIN" in refused.value.message and "authenticator" in refused.value.message
    settles = enrolled_at + bank.resolve(AuthPolicy).factor_settles_after
    stays_held(bank, cast, transfer, refused.value, "voice_too_recent", rfc3339(settles))
    verified = [e for e in bank.resolve(ListAuditEvents).execute(limit=100).items
                if e.action == "voice.verify.challenge"]
    assert [(e.outcome, e.details["reason"]) for e in verified] == [("success", "match")]


def test_a_voice_enrolled_again_just_now_answers_no_hold(
        bank: punq.Container, clock: SteppingClock) -> None:
    """Enrolling again (password and a settled PIN) starts the voice's time anew."""
    cast = asha(bank, clock, lambda her: (enrol(bank, her, PHONE, ON_PHONE, 440),
                                          settled_pin(bank, her, "4826", clock, ON_PHONE)))
    who = cast[0]
    transfer = held(bank, cast, ON_PHONE)
    binding = bank.resolve(ManageDevices).list(who.id)[0]
    again_at = clock.now()
    bank.resolve(EnrolVoice).execute(who.id, binding.id, [tone(440, seed=s) for s in (4, 5, 6)],
                                     ON_PHONE, password=PASSWORD, pin="4826")
    with pytest.raises(VoiceTooRecent) as refused:
        by_voice(bank, who, transfer, KEY, PHONE, ON_PHONE, 440, seed=8)
    settles = again_at + bank.resolve(AuthPolicy).factor_settles_after
    stays_held(bank, cast, transfer, refused.value, "voice_too_recent", rfc3339(settles))


def test_a_voice_enrolled_days_ago_answers_a_hold_as_before(
        bank: punq.Container, clock: SteppingClock) -> None:
    cast = asha(bank, clock, lambda her: enrol(bank, her, PHONE, ON_PHONE, 440))
    who = cast[0]
    transfer = held(bank, cast, ON_PHONE)
    assert by_voice(bank, who, transfer, KEY, PHONE, ON_PHONE, 440, seed=9).status \
        is TransferStatus.COMPLETED


class TurnedOffMeanwhile:
    """The real code check, after which two-step login is turned off before the answer is
    weighed: what a thief racing their own answer with a turn-off and a new enrolment sees."""

    def __init__(self, bank: punq.Container) -> None:
        self._real, self._uows = bank.resolve(SecondFactorCheck), bank.resolve(UnitOfWorkFactory)

    def verify(self, customer: Customer, context: RequestContext, **given: str) -> str:
        method = self._real.verify(customer, context, **given)
        with self._uows(write=True) as uow:
            uow.second_factors.drop_factor(customer.id)
            uow.commit()
        return method


def test_a_code_whose_authenticator_is_gone_when_weighed_answers_for_nothing(
        bank: punq.Container, clock: SteppingClock) -> None:
    """No age to weigh is no settled factor: a failed answer, the money given back."""
    apps: list[pyotp.TOTP] = []
    cast = asha(bank, clock, lambda her: apps.append(authenticator(bank, her, clock, ON_PHONE)))
    who, transfer = cast[0], held(bank, cast, ON_PHONE)
    answer = AnswerChallenge(*(bank.resolve(kind) for kind in (
        UnitOfWorkFactory, HoldKeeper, Clock, VerifyUpiPin, VoiceListener, VoiceVerifier,
        DevicePossession, AuditRecorder)), TurnedOffMeanwhile(bank),  # type: ignore[arg-type]
        bank.resolve(AuthPolicy))
    with pytest.raises(TotpNotEnabled):
        answer.execute(who.id, transfer.id, ON_PHONE, totp=apps[0].at(clock.now()))
    assert bank.resolve(GetTransfer).execute(who.id, transfer.id, ON_PHONE).transfer.status \
        is TransferStatus.VOIDED
