"""Daily limits and channels at the use cases, on every profile, with the shipped rules: a
transfer names only a channel that can carry it, and the limits hold on every channel together,
per account and per customer, also against payments sent at once (issue #30, item 1)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import punq
import pytest

from application.context import SYSTEM
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    AnswerChallenge,
    Authenticate,
    CashCommand,
    Deposit,
    ExpireHolds,
    GetBalance,
    LogInWithPassword,
    SetUpiPin,
    TransferCommand,
    TransferMoney,
    VerifyLedger,
    Withdraw,
)
from domain.account import AccountType
from domain.customer import Customer
from domain.errors import ChannelNotAllowed, TransferBlocked
from domain.ledger import Channel
from domain.transfer import TransferStatus
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import load_settings
from tests.conftest import TEST_ENV, database_url_for
from tests.support.banking import PASSWORD, account, customer, inr
from tests.support.clock import SteppingClock

SHIPPED = Path(__file__).resolve().parents[2] / "adapters" / "fraud" / "rules.toml"


def pay(bank: punq.Container, who: Customer, source: str, to: str, amount: str,
        channel: Channel) -> TransferStatus:
    return bank.resolve(TransferMoney).execute(TransferCommand(
        who.id, source, to, inr(amount), channel=channel)).transfer.status


def balance(bank: punq.Container, number: str) -> str:
    return bank.resolve(GetBalance).execute(None, number).balance.format()


def reason(error: TransferBlocked, bank: punq.Container) -> str:
    with bank.resolve(UnitOfWorkFactory)() as uow:
        stored = uow.fraud.assessment(UUID(error.info["transfer_id"]))
    assert stored is not None
    return next(c.reason for c in stored.assessment.contributions if c.code == "daily_limit")


@pytest.mark.parametrize("rail", [Channel.RTGS, Channel.NEFT, Channel.IMPS])
def test_a_transfer_within_the_bank_never_travels_an_interbank_rail(
        bank: punq.Container, rail: Channel) -> None:
    firm = customer(bank)
    source = account(bank, firm, "900000.00", AccountType.CURRENT).account_number
    sink = account(bank, firm).account_number
    with pytest.raises(ChannelNotAllowed, match="other banks"):
        pay(bank, firm, source, sink, "300000.00", rail)
    assert (balance(bank, source), balance(bank, sink)) == ("900000.00", "0.00")
    # A teller's or a cash machine's transfer keeps its channel (and that channel's limit).
    assert pay(bank, firm, source, sink, "10.00", Channel.BRANCH) is TransferStatus.COMPLETED
    assert pay(bank, firm, source, sink, "10.00", Channel.ATM) is TransferStatus.COMPLETED


def test_cash_moves_only_at_a_branch_or_an_atm(bank: punq.Container) -> None:
    number = account(bank, customer(bank), "100.00").account_number
    for channel in (Channel.ONLINE, Channel.UPI, Channel.RTGS):
        with pytest.raises(ChannelNotAllowed):
            bank.resolve(Deposit).execute(CashCommand(number, inr("1.00"), channel))
        with pytest.raises(ChannelNotAllowed):
            bank.resolve(Withdraw).execute(CashCommand(number, inr("1.00"), channel))
    bank.resolve(Withdraw).execute(CashCommand(number, inr("1.00"), Channel.ATM))
    assert balance(bank, number) == "99.00"


def test_one_accounts_limit_holds_on_every_channel_together(bank: punq.Container,
                                                            clock: SteppingClock) -> None:
    asha = customer(bank)
    source = account(bank, asha, "900000.00").account_number
    sink = account(bank, asha).account_number
    assert pay(bank, asha, source, sink, "120000.00", Channel.ONLINE) is TransferStatus.COMPLETED
    assert pay(bank, asha, source, sink, "60000.00", Channel.UPI) is TransferStatus.COMPLETED
    with pytest.raises(TransferBlocked) as refused:
        pay(bank, asha, source, sink, "20000.01", Channel.MOBILE)
    assert reason(refused.value, bank) == \
        "over the daily limit of 200000.00 INR for this account on every channel"
    assert pay(bank, asha, source, sink, "20000.00", Channel.MOBILE) is TransferStatus.COMPLETED
    clock.advance(timedelta(days=1))  # a new UTC day: the limits start again
    assert pay(bank, asha, source, sink, "150000.00", Channel.MOBILE) is TransferStatus.COMPLETED
    assert balance(bank, sink) == "350000.00"


def test_one_customers_limit_holds_across_their_accounts(bank: punq.Container) -> None:
    asha = customer(bank)
    first = account(bank, asha, "900000.00", AccountType.CURRENT).account_number
    second = account(bank, asha, "900000.00", AccountType.CURRENT).account_number
    sink = account(bank, asha).account_number
    for source, channel in ((first, Channel.ONLINE), (second, Channel.MOBILE)):
        assert pay(bank, asha, source, sink, "190000.00", channel) is TransferStatus.COMPLETED
    with pytest.raises(TransferBlocked) as refused:  # the account: 3,40,000.00 of 5,00,000.00
        pay(bank, asha, second, sink, "150000.00", Channel.UPI)
    assert "for all of this customer's accounts" in reason(refused.value, bank)
    assert balance(bank, sink) == "380000.00"


def test_held_payments_count_against_the_limit_while_they_wait(bank: punq.Container,
                                                              clock: SteppingClock) -> None:
    """Held money may post later: it counts from the moment it is held, is given back when
    the hold is voided, and counts once when it posts (each of these 1,90,000.00 payments to
    a new payee is held for a step-up challenge)."""
    asha, ravi, meera = customer(bank), customer(bank), customer(bank)
    source = account(bank, asha, "900000.00").account_number
    to_ravi, to_meera = account(bank, ravi).account_number, account(bank, meera).account_number
    issued, _ = bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD)
    bank.resolve(SetUpiPin).execute(bank.resolve(Authenticate).execute(issued.access_token),
                                    "4826", None, SYSTEM)
    clock.advance(timedelta(days=2))  # the PIN set-up is no longer a recent security event
    assert pay(bank, asha, source, to_ravi, "190000.00", Channel.MOBILE) is \
        TransferStatus.CHALLENGE_REQUIRED
    with pytest.raises(TransferBlocked):  # was: held too, and both could be answered
        pay(bank, asha, source, to_meera, "20000.00", Channel.ONLINE)
    clock.advance(timedelta(minutes=6))
    assert bank.resolve(ExpireHolds).execute(SYSTEM) == 1  # given back
    held = bank.resolve(TransferMoney).execute(TransferCommand(
        asha.id, source, to_meera, inr("190000.00"), channel=Channel.MOBILE)).transfer
    assert held.status is TransferStatus.CHALLENGE_REQUIRED
    posted = bank.resolve(AnswerChallenge).execute(asha.id, held.id, SYSTEM, pin="4826")
    assert posted.status is TransferStatus.COMPLETED
    assert pay(bank, asha, source, to_meera, "5000.00", Channel.ONLINE) is \
        TransferStatus.COMPLETED  # 1,95,000.00 in all: the posted payment counted once
    with pytest.raises(TransferBlocked):
        pay(bank, asha, source, to_meera, "5000.01", Channel.ONLINE)
    assert balance(bank, source) == "705000.00"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def tight_bank(request: pytest.FixtureRequest, tmp_path: Path) -> punq.Container:
    """A bank whose customers may pay out 50,000.00 a day in all (every other limit wide)."""
    rules = tmp_path / "rules.toml"
    rules.write_text(SHIPPED.read_text().replace(
        'customer = "500000.00"', 'customer = "50000.00"'))
    profile = str(request.param)
    wired = bootstrap(load_settings({
        **TEST_ENV, "VAANI_DATABASE_URL": database_url_for(profile, tmp_path, request),
        "VAANI_PROFILE": profile, "VAANI_FRAUD_RULES": str(rules)}))
    prepare_database(wired)
    return wired


def test_payments_sent_at_once_from_two_accounts_do_not_beat_the_customers_limit(
        tight_bank: punq.Container) -> None:
    """Two pairs of accounts whose locks never meet: the customer's profile is what the
    payments take turns on."""
    asha = customer(tight_bank)
    sources = [account(tight_bank, asha, "100000.00").account_number for _ in range(2)]
    sinks = [account(tight_bank, asha).account_number for _ in range(2)]
    channels = [Channel.ONLINE, Channel.MOBILE, Channel.UPI]

    def one(i: int) -> str:
        try:
            return pay(tight_bank, asha, sources[i % 2], sinks[i % 2], "10000.00",
                       channels[i % 3]).value
        except TransferBlocked:
            return "blocked"
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(one, range(16)))
    assert outcomes.count("completed") == 5 and outcomes.count("blocked") == 11
    assert sum(inr(balance(tight_bank, sink)).minor for sink in sinks) == 50_000_00
    assert tight_bank.resolve(VerifyLedger).execute().ok
    tight_bank.resolve(UnitOfWorkFactory).close()
