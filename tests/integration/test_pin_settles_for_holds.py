"""A held payment's step-up answer is a factor of its own: a UPI PIN the password has just set
(or changed) answers no hold until it has settled, on every profile. The refusal is no wrong
answer: the hold stays for a settled factor (an authenticator or a voice the password did not
just set up: test_new_factors_settle_for_holds.py), or the PIN once it has settled."""

from __future__ import annotations

from datetime import timedelta

import punq
import pyotp
import pytest

from application.auth_policy import AuthPolicy
from application.context import DeviceInfo, RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    AnswerChallenge,
    Authenticate,
    GetBalance,
    GetTransfer,
    ListAuditEvents,
    LogInWithPassword,
    ManageTotp,
    SetUpiPin,
    TransferCommand,
    TransferMoney,
    VerifyUpiPin,
)
from domain.customer import Customer
from domain.errors import (
    PinInvalid,
    PinTooRecent,
    TotpTooRecent,
    TransferNotHeld,
    Unauthorized,
)
from domain.ledger import Channel
from domain.timestamps import rfc3339
from domain.transfer import Transfer, TransferStatus
from tests.support.banking import PASSWORD, account, customer, inr, settled_pin
from tests.support.clock import SteppingClock

PHONE = RequestContext(device_id="asha-phone")
THIEF = RequestContext(device_id="asha-phone", ip="203.0.113.9")  # her id, other hardware


@pytest.fixture
def cast(bank: punq.Container, clock: SteppingClock):  # type: ignore[no-untyped-def]
    """Asha, her PIN 4826 set (on her phone) two days before, with a habit of paying Ravi
    100.00, so that a large payment is held for a step-up."""
    asha, ravi = customer(bank, first_name="Asha"), customer(bank, first_name="Ravi")
    source = account(bank, asha, "100000.00").account_number
    payee = account(bank, ravi).account_number
    bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD,
                                            device=DeviceInfo("asha-phone", "hw-1"))
    settled_pin(bank, asha, "4826", clock, PHONE)
    clock.advance(timedelta(days=2))  # the set-up is no longer a "recent security event"
    for _ in range(5):
        pay(bank, asha, source, payee, "100.00", PHONE)
        clock.advance(timedelta(hours=3))
    return asha, source, payee


def pay(bank: punq.Container, who: Customer, source: str, payee: str, amount: str,
        context: RequestContext) -> Transfer:
    return bank.resolve(TransferMoney).execute(TransferCommand(
        who.id, source, payee, inr(amount), channel=Channel.MOBILE, context=context)).transfer


def thief_pays_and_sets_a_pin(bank: punq.Container, asha: Customer, source: str,
                              payee: str) -> Transfer:
    """The password, from other hardware under her phone's id (a suspicious device, a recent
    security event): a payment held for a step-up, then a PIN of the thief's own set with
    that password."""
    issued, _ = bank.resolve(LogInWithPassword).execute(
        asha.customer_number, PASSWORD, device=DeviceInfo("asha-phone", "hw-2"))
    held = pay(bank, asha, source, payee, "100.00", THIEF)
    assert held.status is TransferStatus.CHALLENGE_REQUIRED
    bank.resolve(SetUpiPin).execute(bank.resolve(Authenticate).execute(issued.access_token),
                                    "739152", PASSWORD, THIEF)
    return held


def status(bank: punq.Container, asha: Customer, held: Transfer) -> TransferStatus:
    return bank.resolve(GetTransfer).execute(asha.id, held.id, PHONE).transfer.status


def balances(bank: punq.Container, source: str) -> tuple[str, str]:
    shown = bank.resolve(GetBalance).execute(None, source)
    return shown.balance.format(), shown.available_balance.format()


def test_a_pin_the_password_just_set_answers_no_hold_and_the_hold_stays(
        bank: punq.Container, clock: SteppingClock, cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    held = thief_pays_and_sets_a_pin(bank, asha, source, payee)
    set_at = clock.now()
    bank.resolve(VerifyUpiPin).execute(asha.id, "739152", THIEF)  # the plain check moves nothing
    answer = bank.resolve(AnswerChallenge)
    for _ in range(2):  # refused each time, and never counted as a wrong answer
        with pytest.raises(PinTooRecent) as refused:
            answer.execute(asha.id, held.id, THIEF, pin="739152")
        assert isinstance(refused.value, Unauthorized) and refused.value.code == "unauthorized"
        assert refused.value.info == {
            "reason": "pin_too_recent",
            "usable_from": rfc3339(set_at + bank.resolve(AuthPolicy).pin.settles_after)}
        assert "authenticator code" in refused.value.message and "voice" in refused.value.message
        assert status(bank, asha, held) is TransferStatus.CHALLENGE_REQUIRED
    assert balances(bank, source) == ("99500.00", "99400.00")  # held, not moved
    with bank.resolve(UnitOfWorkFactory)() as uow:
        assert uow.customers.get(asha.id).pin_failures == 0  # type: ignore[union-attr]
    trail = [e for e in bank.resolve(ListAuditEvents).execute(limit=100).items
             if e.resource == f"transfer:{held.id}"]
    refusals = [e for e in trail if e.action == "money.transfer.challenge_refused"]
    assert [e.outcome for e in refusals] == ["denied"] * 2
    assert not [e for e in trail if e.action == "money.transfer.voided"]
    # Nor does an authenticator the same password turns on now: refused alike, the hold stays.
    app = pyotp.TOTP(bank.resolve(ManageTotp).enrol(asha.id, PASSWORD, THIEF).secret)
    bank.resolve(ManageTotp).confirm(asha.id, app.at(clock.now()), THIEF)
    clock.advance(timedelta(seconds=30))
    with pytest.raises(TotpTooRecent) as young:
        answer.execute(asha.id, held.id, THIEF, totp=app.at(clock.now()))
    assert young.value.info["reason"] == "totp_too_recent"
    assert status(bank, asha, held) is TransferStatus.CHALLENGE_REQUIRED
    assert balances(bank, source) == ("99500.00", "99400.00")


def test_the_pin_answers_once_it_has_settled(
        bank: punq.Container, clock: SteppingClock, cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    held = thief_pays_and_sets_a_pin(bank, asha, source, payee)
    answer = bank.resolve(AnswerChallenge)
    with pytest.raises(PinTooRecent):
        answer.execute(asha.id, held.id, THIEF, pin="739152")
    clock.advance(bank.resolve(AuthPolicy).pin.settles_after)
    with pytest.raises(TransferNotHeld):  # the first hold ran out meanwhile: given back
        answer.execute(asha.id, held.id, THIEF, pin="739152")
    assert status(bank, asha, held) is TransferStatus.VOIDED
    fresh = pay(bank, asha, source, payee, "100.00", THIEF)
    assert fresh.status is TransferStatus.CHALLENGE_REQUIRED
    assert answer.execute(asha.id, fresh.id, THIEF, pin="739152").status \
        is TransferStatus.COMPLETED


def test_a_pin_set_days_ago_answers_a_hold_as_before(
        bank: punq.Container, cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    held = pay(bank, asha, source, payee, "5000.00", PHONE)
    assert held.status is TransferStatus.CHALLENGE_REQUIRED
    answer = bank.resolve(AnswerChallenge)
    assert answer.execute(asha.id, held.id, PHONE, pin="4826").status is TransferStatus.COMPLETED
    again = pay(bank, asha, source, payee, "5000.00", PHONE)
    with pytest.raises(PinInvalid):  # a wrong PIN is still a failed answer: given back
        answer.execute(asha.id, again.id, PHONE, pin="1357")
    assert status(bank, asha, again) is TransferStatus.VOIDED

