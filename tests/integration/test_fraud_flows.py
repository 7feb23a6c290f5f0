"""The fraud decision decides how money moves, on every profile, with the shipped rules:
allow posts, challenge and review hold, block refuses; holds settle or void exactly once."""

from __future__ import annotations

from datetime import timedelta

import punq
import pyotp
import pytest

from application.auth_policy import AuthPolicy
from application.context import SYSTEM, DeviceInfo, RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    AnswerChallenge,
    Authenticate,
    BeneficiaryDetails,
    CashCommand,
    ExpireHolds,
    GetBalance,
    GetTransfer,
    LogInWithPassword,
    ManageBeneficiaries,
    ManageDevices,
    ManageTotp,
    ReviewTransfers,
    SetUpiPin,
    TransferCommand,
    TransferMoney,
    Withdraw,
)
from domain.customer import Customer
from domain.errors import (
    InsufficientFunds,
    PinInvalid,
    SecondFactorInvalid,
    TotpNotEnabled,
    TransferBlocked,
    TransferNotHeld,
)
from domain.fraud import Decision
from domain.ledger import Channel
from domain.transfer import TransferStatus
from tests.support.banking import PASSWORD, account, customer, inr
from tests.support.clock import SteppingClock

PIN = "4826"


@pytest.fixture
def cast(bank: punq.Container, clock: SteppingClock):  # type: ignore[no-untyped-def]
    """Asha (with a UPI PIN and a habit of paying Ravi 100.00) and Ravi."""
    asha, ravi = customer(bank, first_name="Asha"), customer(bank, first_name="Ravi")
    source = account(bank, asha, "100000.00").account_number
    payee = account(bank, ravi).account_number
    issued, _ = bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD)
    bank.resolve(SetUpiPin).execute(bank.resolve(Authenticate).execute(issued.access_token), PIN,
                                    None, SYSTEM)
    clock.advance(timedelta(days=2))  # the PIN set-up is no longer a "recent security event"
    for _ in range(5):
        send(bank, asha, source, payee, "100.00")
        clock.advance(timedelta(hours=3))
    return asha, source, payee


def send(bank: punq.Container, who: Customer, source: str, destination: str, amount: str,
         key: str | None = None, channel: Channel = Channel.MOBILE):  # type: ignore[no-untyped-def]
    return bank.resolve(TransferMoney).execute(TransferCommand(
        who.id, source, destination, inr(amount), channel=channel, idempotency_key=key))


def balances(bank: punq.Container, number: str) -> tuple[str, str]:
    account = bank.resolve(GetBalance).execute(None, number)
    return account.balance.format(), account.available_balance.format()


def test_a_usual_payment_posts(bank: punq.Container, cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    result = send(bank, asha, source, payee, "120.00")
    assert result.transfer.status is TransferStatus.COMPLETED
    assert result.assessment.decision is Decision.ALLOW


def test_an_unusual_amount_is_held_and_posts_once_after_the_right_pin(bank: punq.Container,
                                                                       cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    held = send(bank, asha, source, payee, "5000.00", key="big-1")
    assert held.transfer.status is TransferStatus.CHALLENGE_REQUIRED
    assert "amount_anomaly" in {c.code for c in held.assessment.contributions}
    assert balances(bank, source) == ("99500.00", "94500.00")  # available drops, balance not
    again = send(bank, asha, source, payee, "5000.00", key="big-1")  # a retry holds nothing more
    assert again.replayed and again.transfer.id == held.transfer.id
    assert balances(bank, source) == ("99500.00", "94500.00")
    posted = bank.resolve(AnswerChallenge).execute(asha.id, held.transfer.id, SYSTEM, pin=PIN)
    assert posted.status is TransferStatus.COMPLETED
    assert balances(bank, source) == ("94500.00", "94500.00")
    assert balances(bank, payee)[0] == "5500.00"
    with pytest.raises(TransferNotHeld):
        bank.resolve(AnswerChallenge).execute(asha.id, held.transfer.id, SYSTEM, pin=PIN)
    assert balances(bank, payee)[0] == "5500.00"


def test_a_wrong_pin_voids_the_hold(bank: punq.Container, cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    held = send(bank, asha, source, payee, "5000.00")
    with pytest.raises(PinInvalid):
        bank.resolve(AnswerChallenge).execute(asha.id, held.transfer.id, SYSTEM, pin="9999")
    view = bank.resolve(GetTransfer).execute(asha.id, held.transfer.id, SYSTEM)
    assert view.transfer.status is TransferStatus.VOIDED
    assert balances(bank, source) == ("99500.00", "99500.00")
    for _ in range(3):  # answers to a decided challenge spend no PIN attempt: no block
        with pytest.raises(TransferNotHeld):
            bank.resolve(AnswerChallenge).execute(asha.id, held.transfer.id, SYSTEM, pin="9999")
    with bank.resolve(UnitOfWorkFactory)() as uow:
        after = uow.customers.get(asha.id)
    assert after is not None and after.pin_failures == 1 and after.pin_blocked_until is None
    assert view.assessment is not None and view.assessment.assessment.score >= 40


def test_an_unanswered_challenge_expires_once(bank: punq.Container, clock: SteppingClock,
                                              cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    held = send(bank, asha, source, payee, "5000.00")
    clock.advance(timedelta(minutes=5, seconds=1))
    assert bank.resolve(ExpireHolds).execute(SYSTEM) == 1
    assert bank.resolve(ExpireHolds).execute(SYSTEM) == 0  # idempotent
    with pytest.raises(TransferNotHeld):
        bank.resolve(AnswerChallenge).execute(asha.id, held.transfer.id, SYSTEM, pin=PIN)
    assert balances(bank, source) == ("99500.00", "99500.00")


def test_a_hold_is_voided_lazily_when_looked_at(bank: punq.Container, clock: SteppingClock,
                                                cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    held = send(bank, asha, source, payee, "5000.00")
    clock.advance(timedelta(minutes=6))
    view = bank.resolve(GetTransfer).execute(asha.id, held.transfer.id, SYSTEM)
    assert view.transfer.status is TransferStatus.VOIDED and view.transfer.void_reason == "expired"


def test_held_money_cannot_be_spent_twice(bank: punq.Container, cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    send(bank, asha, source, payee, "5000.00")
    with pytest.raises(InsufficientFunds):
        bank.resolve(Withdraw).execute(CashCommand(source, inr("94500.01"), Channel.ATM))


def test_review_approve_and_reject_label_the_payee(bank: punq.Container, cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    issued, _ = bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD)
    bank.resolve(SetUpiPin).execute(bank.resolve(Authenticate).execute(issued.access_token), "739152",
                                    PASSWORD, SYSTEM)  # a PIN change: a recent security event
    first = send(bank, asha, source, payee, "5000.00")
    second = send(bank, asha, source, payee, "6000.00")
    assert first.transfer.status is second.transfer.status is TransferStatus.PENDING_REVIEW
    review = bank.resolve(ReviewTransfers)
    assert [v.transfer.id for v in review.queue()] == [first.transfer.id, second.transfer.id]
    operator = RequestContext(device_id="cli:ops@branch")
    assert review.decide(first.transfer.id, True, operator).status is TransferStatus.COMPLETED
    assert review.decide(second.transfer.id, False, operator).status is TransferStatus.VOIDED
    assert balances(bank, source) == ("94500.00", "94500.00")
    with pytest.raises(TransferBlocked):  # the payee is now known for confirmed fraud
        send(bank, asha, source, payee, "100.00")
    assert balances(bank, source) == ("94500.00", "94500.00")


def test_over_the_daily_limit_is_blocked_and_nothing_moves(bank: punq.Container, cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    with pytest.raises(TransferBlocked):
        send(bank, asha, source, payee, "60000.00", key="huge", channel=Channel.ATM)
    with pytest.raises(TransferBlocked):  # an idempotent retry is refused the same way
        send(bank, asha, source, payee, "60000.00", key="huge", channel=Channel.ATM)
    assert balances(bank, source) == ("99500.00", "99500.00")


def test_the_screen_weighs_what_it_reads_before_the_accounts_are_locked(
        bank: punq.Container, cast) -> None:  # type: ignore[no-untyped-def]
    """Device, security events and saved payees are read before the account locks: each still
    counts, for this payer only."""
    asha, source, payee = cast
    usual = send(bank, asha, source, payee, "100.00").assessment
    assert {c.code for c in usual.contributions} == {"device_unknown"}  # no device: the baseline
    issued, _ = bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD)
    bank.resolve(SetUpiPin).execute(bank.resolve(Authenticate).execute(issued.access_token),
                                    "9153", PASSWORD, SYSTEM)  # upi.pin.changed, just now
    bank.resolve(ManageBeneficiaries).add(
        asha.id, BeneficiaryDetails("Ravi", account_number=payee, ifsc="SBIN0001234"), SYSTEM)
    seen = {c.code for c in send(bank, asha, source, payee, "100.00").assessment.contributions}
    assert {"security_events", "new_beneficiary", "device_unknown"} <= seen
    meera = customer(bank, first_name="Meera")  # another payer to the same payee: none of
    others = send(bank, meera, account(bank, meera, "1000.00").account_number,  # Asha's facts
                  payee, "10.00").assessment
    assert not {"security_events", "new_beneficiary"} & {c.code for c in others.contributions}


def test_the_screen_weighs_the_device_a_payment_is_sent_from(
        bank: punq.Container, clock: SteppingClock, cast) -> None:  # type: ignore[no-untyped-def]
    """The device's binding is asked with the other facts before the locks: a device bound at
    login (trusted: no voice enrolled yet) weighs as new for its first day and adds nothing
    after it, the same device id on other hardware is suspicious, a device never bound is
    unknown; a revoked device a password login still names weighs as much as a suspicious one."""
    asha, source, payee = cast
    log_in = bank.resolve(LogInWithPassword)

    def codes(device_id: str) -> set[str]:
        result = bank.resolve(TransferMoney).execute(TransferCommand(
            asha.id, source, payee, inr("100.00"), channel=Channel.MOBILE,
            context=RequestContext(device_id=device_id)))
        return {c.code for c in result.assessment.contributions if c.code.startswith("device")}

    log_in.execute(asha.customer_number, PASSWORD, device=DeviceInfo("asha-phone", "hw-1"))
    assert codes("asha-phone") == {"device_new"}  # test_new_device_weighs_new.py
    clock.advance(bank.resolve(AuthPolicy).factor_settles_after)
    assert codes("asha-phone") == set()
    log_in.execute(asha.customer_number, PASSWORD, device=DeviceInfo("asha-phone", "hw-2"))
    assert codes("asha-phone") == {"device_suspicious"}
    assert codes("someone-elses-tablet") == {"device_unknown"}
    manage = bank.resolve(ManageDevices)
    phone = next(b for b in manage.list(asha.id) if b.identifier == "asha-phone")
    manage.revoke(asha.id, phone.id, SYSTEM)
    log_in.execute(asha.customer_number, PASSWORD, device=DeviceInfo("asha-phone", "hw-2"))
    assert codes("asha-phone") == {"device_revoked"}


def test_each_posted_payment_is_folded_into_both_profiles_once(bank: punq.Container,
                                                                cast) -> None:  # type: ignore[no-untyped-def]
    """The keeper folds a payment into the profiles it was scored on: once each, the payer's
    and this payee's; a payment held for a challenge folds into neither until it posts."""
    asha, source, payee = cast  # five payments of 100.00 to Ravi
    other = account(bank, asha).account_number  # her own second account
    assert send(bank, asha, source, other, "100.00").transfer.status is TransferStatus.COMPLETED
    send(bank, asha, source, payee, "5000.00")  # held for a challenge: not folded in
    with bank.resolve(UnitOfWorkFactory)() as uow:
        profile = uow.fraud.customer_profile(asha.id)
        ravi, new_payee = uow.fraud.counterparty_profile(payee), uow.fraud.counterparty_profile(other)
    assert profile is not None and ravi is not None and new_payee is not None
    assert profile.transfers == 6 and profile.recent_amounts == [10000] * 6
    assert profile.counterparties == {payee: 5, other: 1}
    assert (ravi.payments, new_payee.payments) == (5, 1)


def test_a_code_from_the_authenticator_answers_a_challenge_once(
        bank: punq.Container, clock: SteppingClock, cast) -> None:  # type: ignore[no-untyped-def]
    asha, source, payee = cast
    with pytest.raises(TotpNotEnabled):  # no authenticator: refused, and the hold stays
        held = send(bank, asha, source, payee, "5000.00")
        bank.resolve(AnswerChallenge).execute(asha.id, held.transfer.id, SYSTEM, totp="123456")
    assert bank.resolve(GetTransfer).execute(asha.id, held.transfer.id, SYSTEM).transfer.status \
        is TransferStatus.CHALLENGE_REQUIRED
    app = pyotp.TOTP(bank.resolve(ManageTotp).enrol(asha.id, PASSWORD, SYSTEM).secret)
    bank.resolve(ManageTotp).confirm(asha.id, app.at(clock.now()), SYSTEM)
    # A new authenticator settles before it answers a hold; the first hold runs out meanwhile.
    clock.advance(bank.resolve(AuthPolicy).factor_settles_after)
    assert bank.resolve(GetTransfer).execute(asha.id, held.transfer.id, SYSTEM).transfer.status \
        is TransferStatus.VOIDED
    held = send(bank, asha, source, payee, "5000.00")
    assert held.transfer.status is TransferStatus.CHALLENGE_REQUIRED
    posted = bank.resolve(AnswerChallenge).execute(asha.id, held.transfer.id, SYSTEM,
                                                   totp=app.at(clock.now()))
    assert posted.status is TransferStatus.COMPLETED
    again = send(bank, asha, source, payee, "5000.00")
    with pytest.raises(SecondFactorInvalid):  # the same code a second time: spent
        bank.resolve(AnswerChallenge).execute(asha.id, again.transfer.id, SYSTEM,
                                              totp=app.at(clock.now()))
    assert bank.resolve(GetTransfer).execute(asha.id, again.transfer.id, SYSTEM).transfer.status \
        is TransferStatus.VOIDED
