"""A device bound less than a day ago is no known device to the fraud screen, on every profile.
While no voice is enrolled a password login binds any new device trusted, so a password thief's
own phone would otherwise be weighed as the customer's known phone: until it has been bound for
the settling day (`AuthPolicy.factor_settles_after`, read from the injected clock) it weighs
what an unknown device weighs, and afterwards it keeps its trust."""

from __future__ import annotations

from datetime import timedelta

import punq
import pytest

from application.auth_policy import AuthPolicy
from application.context import DeviceInfo, RequestContext
from application.use_cases import LogInWithPassword, ManageDevices, TransferCommand, TransferMoney
from domain.customer import Customer
from domain.device import TrustLevel
from domain.fraud import Decision
from domain.ledger import Channel
from domain.transfer import TransferStatus
from tests.support.banking import PASSWORD, account, customer, inr
from tests.support.clock import SteppingClock

PHONE = "new-phone-01"
# With five payments of 100.00 behind her, 150.00 to the same payee is unusual enough to weigh
# just under the challenge band on its own: a device's points decide whether it is held.
USUAL, UNUSUAL = "100.00", "150.00"


@pytest.fixture
def cast(bank: punq.Container, clock: SteppingClock):  # type: ignore[no-untyped-def]
    """Asha, no voice enrolled, who has paid Ravi 100.00 five times (from no device)."""
    asha, ravi = customer(bank, first_name="Asha"), customer(bank, first_name="Ravi")
    source = account(bank, asha, "100000.00").account_number
    payee = account(bank, ravi).account_number
    for _ in range(5):
        pay(bank, asha, source, payee, USUAL, None)
        clock.advance(timedelta(hours=3))
    return asha, source, payee


def pay(bank: punq.Container, who: Customer, source: str, payee: str, amount: str,
        device: str | None):  # type: ignore[no-untyped-def]
    return bank.resolve(TransferMoney).execute(TransferCommand(
        who.id, source, payee, inr(amount), channel=Channel.MOBILE,
        context=RequestContext(device_id=device)))


def device_codes(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {c.code for c in result.assessment.contributions if c.code.startswith("device")}


def bind_with_password(bank: punq.Container, who: Customer) -> None:
    """What a password thief does with their own phone: log in on it with the password."""
    bank.resolve(LogInWithPassword).execute(who.customer_number, PASSWORD,
                                            device=DeviceInfo(PHONE, "thief-hardware"))
    bound = next(b for b in bank.resolve(ManageDevices).list(who.id) if b.identifier == PHONE)
    assert bound.trust is TrustLevel.TRUSTED  # no voice enrolled: the binding itself trusts it


def test_a_phone_the_password_binds_weighs_as_a_new_device(bank: punq.Container,
                                                           cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    bind_with_password(bank, asha)
    usual = pay(bank, asha, source, payee, USUAL, PHONE)
    assert device_codes(usual) == {"device_new"}
    unknown = pay(bank, asha, source, payee, USUAL, None)  # the weight of an unknown device
    assert device_codes(unknown) == {"device_unknown"}
    assert usual.assessment.score == unknown.assessment.score > 0
    held = pay(bank, asha, source, payee, UNUSUAL, PHONE)
    assert held.assessment.decision is Decision.CHALLENGE
    assert held.transfer.status is TransferStatus.CHALLENGE_REQUIRED
    assert "device_new" in {c.code for c in held.assessment.contributions}


def test_the_same_phone_a_day_after_binding_keeps_its_trust(bank: punq.Container,
                                                            clock: SteppingClock,
                                                            cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    bind_with_password(bank, asha)
    day = bank.resolve(AuthPolicy).factor_settles_after
    clock.advance(day - timedelta(minutes=1))  # a minute short of the day: still new
    assert device_codes(pay(bank, asha, source, payee, USUAL, PHONE)) == {"device_new"}
    clock.advance(timedelta(minutes=1))
    known = pay(bank, asha, source, payee, USUAL, PHONE)
    assert device_codes(known) == set() and known.assessment.score == 0
    unusual = pay(bank, asha, source, payee, UNUSUAL, PHONE)
    assert unusual.assessment.decision is Decision.ALLOW
    assert unusual.transfer.status is TransferStatus.COMPLETED
