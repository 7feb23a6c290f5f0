"""KYC tiers and held payments on the memory, SQLite and PostgreSQL profiles: a hold counts
against the payer's day from the moment it is held, and a release is asked again, in the
transaction that posts it (docs/money-operations.md, "KYC tiers"). A refused release leaves the
money held; a reversal the bank takes back is not the customer's paying out."""

from __future__ import annotations

import punq
import pytest

from application.context import SYSTEM, RequestContext
from application.fraud import FraudEngine
from application.use_cases import (
    AnswerChallenge,
    GetBalance,
    GetTransfer,
    OpenAccount,
    OpenAccountCommand,
    OperateCustomers,
    ProposeReversal,
    ReversalCommand,
    ReviewTransfers,
    TransferCommand,
    TransferMoney,
)
from domain.account import AccountType
from domain.customer import Customer, KycStatus, Role
from domain.errors import AccountFrozen, KycLimitExceeded
from domain.transfer import Transfer, TransferStatus
from tests.support.banking import account, customer, deposit, inr, settled_pin
from tests.support.clock import SteppingClock
from tests.support.races import both_at_once
from tests.support.scripted_fraud import AmountScriptedEngine

# The scripted engine reads its decision off the paise: % 4 == 0 posts at once, 1 waits for the
# owner's challenge, 2 for an operator's review.


@pytest.fixture
def scripted(bank: punq.Container) -> punq.Container:
    bank.register(FraudEngine, instance=AmountScriptedEngine())
    return bank


def _pay(bank: punq.Container, who: Customer, source: str, target: str, amount: str) -> Transfer:
    return bank.resolve(TransferMoney).execute(TransferCommand(who.id, source, target,
                                                               inr(amount))).transfer


def _status(bank: punq.Container, transfer: Transfer) -> TransferStatus:
    return bank.resolve(GetTransfer).execute(None, transfer.id, SYSTEM).transfer.status


def _operator(bank: punq.Container) -> RequestContext:
    return RequestContext(actor_id=customer(bank, Role.OPERATOR).id)


def test_money_on_hold_counts_against_a_min_accounts_day(scripted: punq.Container) -> None:
    bank = scripted
    small, other = customer(bank, kyc=KycStatus.MIN), customer(bank)
    theirs = account(bank, small).account_number
    deposit(bank, theirs, "20000.00")
    payee = account(bank, other).account_number
    held = _pay(bank, small, theirs, payee, "6000.02")
    with pytest.raises(KycLimitExceeded) as refused:  # 6,000.02 held + 4,000.00 > 10,000.00
        _pay(bank, small, theirs, payee, "4000.00")
    assert refused.value.info["limit"] == "min_daily_debit"
    _pay(bank, small, theirs, payee, "3999.96")  # exactly the limit, with the hold
    bank.resolve(ReviewTransfers).decide(held.id, True, _operator(bank))
    assert bank.resolve(GetBalance).execute(None, theirs).balance == inr("10000.02")


def test_a_release_past_the_daily_limit_is_refused_and_the_money_stays_held(
        scripted: punq.Container) -> None:
    bank = scripted
    person, other = customer(bank), customer(bank)
    theirs = account(bank, person, "20000.00").account_number
    payee = account(bank, other).account_number
    held = _pay(bank, person, theirs, payee, "6000.02")
    _pay(bank, person, theirs, payee, "5000.00")  # full KYC: no daily limit
    bank.resolve(OperateCustomers).set_kyc(person.customer_number, KycStatus.MIN, SYSTEM)
    operator = _operator(bank)
    with pytest.raises(KycLimitExceeded) as refused:
        bank.resolve(ReviewTransfers).decide(held.id, True, operator)
    assert refused.value.info["limit"] == "min_daily_debit"
    assert _status(bank, held) is TransferStatus.PENDING_REVIEW
    kept = bank.resolve(GetBalance).execute(None, theirs)
    assert (kept.balance, kept.held) == (inr("15000.00"), inr("6000.02"))
    bank.resolve(ReviewTransfers).decide(held.id, False, operator)  # the operator gives it back
    assert bank.resolve(GetBalance).execute(None, theirs).held == inr("0.00")


def test_two_releases_at_once_post_within_the_daily_limit(scripted: punq.Container) -> None:
    """Each release counts the day under the payer's lock: the second waits for the first."""
    bank = scripted
    person, other = customer(bank), customer(bank)
    theirs = account(bank, person, "20000.00").account_number
    payee = account(bank, other).account_number
    first, second = (_pay(bank, person, theirs, payee, a) for a in ("6000.02", "6000.06"))
    bank.resolve(OperateCustomers).set_kyc(person.customer_number, KycStatus.MIN, SYSTEM)
    review, operator = bank.resolve(ReviewTransfers), _operator(bank)
    answers = both_at_once(lambda: review.decide(first.id, True, operator),
                           lambda: review.decide(second.id, True, operator))
    assert sorted(type(a).__name__ for a in answers) == ["KycLimitExceeded", "Transfer"]
    assert bank.resolve(GetBalance).execute(None, theirs).balance.minor in (
        inr("13999.98").minor, inr("13999.94").minor)


def test_a_correct_pin_does_not_release_past_the_daily_limit(
        scripted: punq.Container, clock: SteppingClock) -> None:
    bank = scripted
    person, other = customer(bank), customer(bank)
    theirs = account(bank, person, "20000.00").account_number
    payee = account(bank, other).account_number
    settled_pin(bank, person, "4826", clock)  # a day old before the payments: a factor
    held = _pay(bank, person, theirs, payee, "5000.01")
    assert held.status is TransferStatus.CHALLENGE_REQUIRED
    _pay(bank, person, theirs, payee, "6000.00")
    bank.resolve(OperateCustomers).set_kyc(person.customer_number, KycStatus.MIN, SYSTEM)
    with pytest.raises(KycLimitExceeded):
        bank.resolve(AnswerChallenge).execute(person.id, held.id, SYSTEM, pin="4826")
    assert _status(bank, held) is TransferStatus.CHALLENGE_REQUIRED
    assert bank.resolve(GetBalance).execute(None, theirs).balance == inr("14000.00")


def test_a_release_past_the_payees_balance_cap_is_refused(scripted: punq.Container) -> None:
    bank = scripted
    payer, small = customer(bank), customer(bank, kyc=KycStatus.MIN)
    source = account(bank, payer, "100000.00").account_number
    theirs = account(bank, small).account_number
    deposit(bank, theirs, "45000.00")
    held = _pay(bank, payer, source, theirs, "4000.02")
    deposit(bank, theirs, "4000.00")
    with pytest.raises(KycLimitExceeded) as refused:
        bank.resolve(ReviewTransfers).decide(held.id, True, _operator(bank))
    assert refused.value.info["limit"] == "min_balance"
    assert _status(bank, held) is TransferStatus.PENDING_REVIEW
    assert bank.resolve(GetBalance).execute(None, theirs).balance == inr("49000.00")


def test_a_reversal_taken_back_leaves_the_whole_day_to_spend(bank: punq.Container) -> None:
    payer, small, other = customer(bank), customer(bank, kyc=KycStatus.MIN), customer(bank)
    source = account(bank, payer, "20000.00").account_number
    theirs = account(bank, small).account_number
    payee = account(bank, other).account_number
    wrong = _pay(bank, payer, source, theirs, "9000.00")
    bank.resolve(ProposeReversal).execute(ReversalCommand(wrong.id, "wrong payee",
                                                          _operator(bank)))
    deposit(bank, theirs, "10000.00")
    _pay(bank, small, theirs, payee, "10000.00")
    assert bank.resolve(GetBalance).execute(None, theirs).balance == inr("0.00")  # taken back


def test_a_frozen_customer_opens_nothing(bank: punq.Container) -> None:
    suspect = customer(bank)
    account(bank, suspect, "500.00")
    bank.resolve(OperateCustomers).freeze(suspect.customer_number, True, SYSTEM)
    with pytest.raises(AccountFrozen):
        bank.resolve(OpenAccount).execute(OpenAccountCommand(
            "", AccountType.SAVINGS, customer_id=suspect.id))
    bank.resolve(OperateCustomers).freeze(suspect.customer_number, False, SYSTEM)
    bank.resolve(OpenAccount).execute(OpenAccountCommand("", AccountType.CURRENT,
                                                         customer_id=suspect.id))
