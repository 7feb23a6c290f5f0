"""Steps for features/fraud.feature, with the rules shipped in the package."""

from __future__ import annotations

from datetime import timedelta

import punq
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from application.context import SYSTEM, DeviceInfo, RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    AnswerChallenge,
    Authenticate,
    GetBalance,
    GetTransfer,
    LogInWithPassword,
    ManageDevices,
    OpenAccount,
    OpenAccountCommand,
    OperateCustomers,
    ReadEvents,
    RegisterCommand,
    RegisterCustomer,
    ReviewTransfers,
    SetUpiPin,
    TransferCommand,
    TransferMoney,
)
from domain.account import AccountType
from domain.alerts import AlertKind, alerts_for
from domain.customer import KycStatus
from domain.errors import DomainError, Unauthorized
from domain.ledger import Channel
from domain.money import Money
from domain.transfer import TransferStatus
from tests.bdd.conftest import World
from tests.support.clock import SteppingClock
from tests.support.device_keys import DeviceKeyPair

scenarios("fraud.feature", "operator_review.feature")


def _principal(bank: punq.Container, world: World):  # type: ignore[no-untyped-def]
    issued, _ = bank.resolve(LogInWithPassword).execute(world["people"]["Asha"].customer_number,
                                                       world["password"])
    return bank.resolve(Authenticate).execute(issued.access_token)


@given(parsers.parse('Asha has a savings account holding {amount} INR and the UPI PIN "{pin}"'))
def asha_account(bdd_bank: punq.Container, world: World, bdd_clock: SteppingClock, amount: str,
                 pin: str) -> None:
    asha = world["people"]["Asha"]
    world["source"] = bdd_bank.resolve(OpenAccount).execute(OpenAccountCommand(
        asha.customer_number, AccountType.SAVINGS, opening_deposit=Money.parse(amount))).account_number
    bdd_bank.resolve(SetUpiPin).execute(_principal(bdd_bank, world), pin, None, SYSTEM)
    bdd_clock.advance(timedelta(days=2))


@given(parsers.parse("Ravi is a customer Asha usually pays {amount} INR"))
def usual_payee(bdd_bank: punq.Container, world: World, bdd_clock: SteppingClock,
                amount: str) -> None:
    ravi = bdd_bank.resolve(RegisterCustomer).execute(RegisterCommand(
        "Ravi", "Feature", "ravi.fraud@example.in", "+919870001111", "a ravi passphrase here"))
    ravi = bdd_bank.resolve(OperateCustomers).set_kyc(ravi.customer_number, KycStatus.FULL,
                                                      SYSTEM)
    world["payee"] = bdd_bank.resolve(OpenAccount).execute(OpenAccountCommand(
        ravi.customer_number, AccountType.SAVINGS)).account_number
    for _ in range(5):
        _pay(bdd_bank, world, amount, Channel.MOBILE)
        bdd_clock.advance(timedelta(hours=3))


@given(parsers.parse('Asha changed her UPI PIN to "{pin}" just now'))
def pin_changed(bdd_bank: punq.Container, world: World, pin: str) -> None:
    bdd_bank.resolve(SetUpiPin).execute(_principal(bdd_bank, world), pin, world["password"],
                                        SYSTEM)


def _pay(bank: punq.Container, world: World, amount: str, channel: Channel,
         device: str | None = None) -> None:
    world["error"] = None
    try:
        result = bank.resolve(TransferMoney).execute(TransferCommand(
            world["people"]["Asha"].id, world["source"], world["payee"], Money.parse(amount),
            channel=channel, context=RequestContext(device_id=device)))
        world["transfer"], world["assessment"] = result.transfer, result.assessment
    except DomainError as error:
        world["error"] = error


@when(parsers.parse("Asha pays Ravi {amount} INR"))
def pays(bdd_bank: punq.Container, world: World, amount: str) -> None:
    _pay(bdd_bank, world, amount, Channel.MOBILE)


@given("Asha has no voice enrolled")
def no_voice(bdd_bank: punq.Container, world: World) -> None:
    with bdd_bank.resolve(UnitOfWorkFactory)() as uow:
        assert uow.voice.voiceprint(world["people"]["Asha"].id) is None


@when(parsers.parse('Asha logs in with her password on her new phone "{device}"'))
def logs_in_on(bdd_bank: punq.Container, world: World, device: str) -> None:
    bdd_bank.resolve(LogInWithPassword).execute(world["people"]["Asha"].customer_number,
                                               world["password"], device=DeviceInfo(device))


@given(parsers.parse('Asha\'s phone "{device}" was bound before device keys, more than a day '
                     'ago'))
def old_phone(bdd_bank: punq.Container, world: World, bdd_clock: SteppingClock,
              device: str) -> None:
    """A password login on it with no key, as apps did before device keys; then a day."""
    bdd_bank.resolve(LogInWithPassword).execute(world["people"]["Asha"].customer_number,
                                               world["password"], device=DeviceInfo(device))
    bdd_clock.advance(timedelta(days=1, minutes=1))


@given(parsers.parse('someone with Asha\'s password logged in naming "{device}" without its key'))
@when(parsers.parse('someone with Asha\'s password logs in naming "{device}" without its key'))
def thief_names(bdd_bank: punq.Container, world: World, device: str) -> None:
    """Its identifier is listed to any session of hers: a first login naming no device."""
    listed = [b.identifier for b in bdd_bank.resolve(ManageDevices).list(
        _principal(bdd_bank, world).customer_id)]
    assert device in listed
    world["stolen"], _ = bdd_bank.resolve(LogInWithPassword).execute(
        world["people"]["Asha"].customer_number, world["password"], device=DeviceInfo(device))


@when(parsers.parse('Asha logs in with her password on "{device}" bringing a new device key'))
def logs_in_with_key(bdd_bank: punq.Container, world: World, device: str) -> None:
    bdd_bank.resolve(LogInWithPassword).execute(
        world["people"]["Asha"].customer_number, world["password"],
        device=DeviceInfo(device, key=DeviceKeyPair().key))


@then(parsers.parse('her phone "{device}" is "{trust}"'))
def phone_trust(bdd_bank: punq.Container, world: World, device: str, trust: str) -> None:
    found = bdd_bank.resolve(ManageDevices).list(world["people"]["Asha"].id)
    assert next(b for b in found if b.identifier == device).trust.value == trust


@then("Asha is told that a new device logged in")
def told_of_new_device(bdd_bank: punq.Container, world: World) -> None:
    events = bdd_bank.resolve(ReadEvents).mine(world["people"]["Asha"].id, after=None,
                                               limit=100, types=["device.new"]).items
    assert len(events) == 2  # bound before device keys, and bound anew with its key
    assert [a.kind for a in alerts_for(events[-1])] == [AlertKind.SECURITY]


@then(parsers.parse('the login that named "{device}" without its key no longer works'))
def stolen_login_ended(bdd_bank: punq.Container, world: World, device: str) -> None:
    with pytest.raises(Unauthorized):
        bdd_bank.resolve(Authenticate).execute(world["stolen"].access_token)


@then("the payment is held as sent from a device not proven to be hers")
def held_as_suspicious(world: World) -> None:
    assert world["transfer"].status in (TransferStatus.CHALLENGE_REQUIRED,
                                        TransferStatus.PENDING_REVIEW)
    assert "device_suspicious" in {c.code for c in world["assessment"].contributions}


@when(parsers.parse('Asha pays Ravi {amount} INR from "{device}"'))
def pays_from(bdd_bank: punq.Container, world: World, amount: str, device: str) -> None:
    _pay(bdd_bank, world, amount, Channel.MOBILE, device)


@when(parsers.parse("Asha pays Ravi {amount} INR from a cash machine"))
def pays_at_atm(bdd_bank: punq.Container, world: World, amount: str) -> None:
    _pay(bdd_bank, world, amount, Channel.ATM)


@when(parsers.parse('Asha answers the challenge with the PIN "{pin}"'))
def answers(bdd_bank: punq.Container, world: World, pin: str) -> None:
    try:
        world["transfer"] = bdd_bank.resolve(AnswerChallenge).execute(
            world["people"]["Asha"].id, world["transfer"].id, SYSTEM, pin=pin)
    except DomainError as error:
        world["error"] = error
        world["transfer"] = bdd_bank.resolve(GetTransfer).execute(
            None, world["transfer"].id, SYSTEM).transfer


@when(parsers.re(r"an operator (?P<verdict>approves|rejects) the payment"))
def operator_decides(bdd_bank: punq.Container, world: World, verdict: str) -> None:
    world["transfer"] = bdd_bank.resolve(ReviewTransfers).decide(
        world["transfer"].id, verdict == "approves", RequestContext(device_id="cli:ops@branch"))


@then("the payment is completed")
def completed(world: World) -> None:
    assert world["transfer"].status is TransferStatus.COMPLETED, world.get("error")


@then("the payment waits for a challenge")
def waits_for_challenge(world: World) -> None:
    assert world["transfer"].status is TransferStatus.CHALLENGE_REQUIRED


@then("the payment waits for an operator")
def waits_for_operator(world: World) -> None:
    assert world["transfer"].status is TransferStatus.PENDING_REVIEW


@then("the payment is voided")
def voided(world: World) -> None:
    assert world["transfer"].status is TransferStatus.VOIDED


@then(parsers.parse('the payment is refused with "{code}"'))
def payment_refused(world: World, code: str) -> None:
    assert world["error"] is not None and world["error"].code == code


@then(parsers.parse("Asha's balance is {balance} INR with {available} INR available"))
def asha_balance(bdd_bank: punq.Container, world: World, balance: str, available: str) -> None:
    account = bdd_bank.resolve(GetBalance).execute(None, world["source"])
    assert (account.balance.format(), account.available_balance.format()) == (balance, available)
