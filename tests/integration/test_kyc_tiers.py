"""KYC tiers on the memory, SQLite and PostgreSQL profiles: pending receives only, min holds a
small balance and pays a small amount a day, full is unlimited; every refusal names its limit;
a change of tier reaches the customer's accounts at once."""

from __future__ import annotations

from datetime import timedelta

import punq
import pytest

from application.context import SYSTEM
from application.use_cases import (
    CashCommand,
    Deposit,
    OpenAccount,
    OpenAccountCommand,
    OperateCustomers,
    TransferCommand,
    TransferMoney,
    Withdraw,
)
from domain.account import AccountType
from domain.customer import Customer, KycStatus
from domain.errors import KycLimitExceeded, KycRequired
from tests.support.banking import account, customer, inr
from tests.support.clock import SteppingClock


def _pay(bank: punq.Container, who: Customer, source: str, target: str, amount: str) -> None:
    bank.resolve(TransferMoney).execute(TransferCommand(who.id, source, target, inr(amount)))


def _tier(bank: punq.Container, who: Customer, kyc: KycStatus) -> None:
    bank.resolve(OperateCustomers).set_kyc(who.customer_number, kyc, SYSTEM)


def test_pending_receives_but_neither_pays_nor_opens(bank: punq.Container) -> None:
    payer, newcomer = customer(bank), customer(bank)
    source = account(bank, payer, "1000.00").account_number
    theirs = account(bank, newcomer).account_number
    _tier(bank, newcomer, KycStatus.PENDING)
    _pay(bank, payer, source, theirs, "100.00")  # money in is fine
    with pytest.raises(KycRequired, match="KYC is pending"):
        _pay(bank, newcomer, theirs, source, "10.00")
    with pytest.raises(KycRequired):
        bank.resolve(Withdraw).execute(CashCommand(theirs, inr("10.00")))
    with pytest.raises(KycRequired):
        bank.resolve(OpenAccount).execute(OpenAccountCommand(newcomer.customer_number,
                                                             AccountType.SAVINGS))
    _tier(bank, newcomer, KycStatus.FULL)
    _pay(bank, newcomer, theirs, source, "10.00")


def test_min_caps_the_balance_and_the_days_payments(bank: punq.Container,
                                                    clock: SteppingClock) -> None:
    payer, small = customer(bank), customer(bank)
    source = account(bank, payer, "100000.00").account_number
    theirs = account(bank, small).account_number
    _tier(bank, small, KycStatus.MIN)
    _pay(bank, payer, source, theirs, "49000.00")
    with pytest.raises(KycLimitExceeded, match=r"may hold at most 50000\.00") as refused:
        bank.resolve(Deposit).execute(CashCommand(theirs, inr("1000.01")))
    assert refused.value.info["limit"] == "min_balance"
    _pay(bank, small, theirs, source, "6000.00")
    with pytest.raises(KycLimitExceeded, match=r"10000\.00 INR a day") as refused:
        _pay(bank, small, theirs, source, "4000.01")
    assert refused.value.info["limit"] == "min_daily_debit"
    _pay(bank, small, theirs, source, "4000.00")
    clock.advance(timedelta(days=1))  # a new business day
    _pay(bank, small, theirs, source, "1000.00")


def test_min_opens_one_inr_savings_account(bank: punq.Container) -> None:
    small = customer(bank, kyc=KycStatus.MIN)
    with pytest.raises(KycLimitExceeded, match="savings"):
        bank.resolve(OpenAccount).execute(OpenAccountCommand(small.customer_number,
                                                             AccountType.CURRENT))
    account(bank, small)
    with pytest.raises(KycLimitExceeded) as refused:
        account(bank, small)
    assert refused.value.info["limit"] == "min_accounts"
