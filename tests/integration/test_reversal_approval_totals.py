"""Reversals' maker-checker and idempotency, and a till's close.
Each test states the rule it holds the code to (docs/money-operations.md); each was a defect found in a
hostile review, fixed."""

from __future__ import annotations

import threading
from datetime import timedelta

import punq
import pytest

from adapters.sql.reversals import SqlReversals
from application.context import RequestContext
from application.use_cases import (
    CashCommand,
    CloseTillDay,
    DecideReversal,
    Deposit,
    DisputeCommand,
    GetBalance,
    OpenAccount,
    OpenAccountCommand,
    OpenDispute,
    ProposeReversal,
    ReversalCommand,
    TellerCash,
    TellerCommand,
    TransferCommand,
    TransferMoney,
    WorkDisputes,
)
from domain.account import AccountType
from domain.customer import Role
from domain.dispute import DisputeReason, DisputeStatus
from domain.errors import DomainError, SameOperator
from domain.money import Money
from domain.reversal import ReversalStatus
from domain.till import CashKind
from domain.transfer import Transfer
from tests.support.banking import account, customer, inr
from tests.support.clock import SteppingClock
from tests.support.races import both_at_once


def _paid(bank: punq.Container, amount: str) -> tuple[Transfer, str]:
    payer, payee = customer(bank), customer(bank)
    source, target = account(bank, payer, "60000.00"), account(bank, payee)
    transfer = bank.resolve(TransferMoney).execute(TransferCommand(
        payer.id, source.account_number, target.account_number, inr(amount))).transfer
    return transfer, source.account_number


def _operator(bank: punq.Container) -> RequestContext:
    return RequestContext(actor_id=customer(bank, Role.OPERATOR).id)


def test_one_operator_cannot_reverse_more_than_the_approval_amount_alone(
        bank: punq.Container) -> None:
    """The approval amount bounds all that is reversed of one transfer (posted or waiting,
    plus this proposal), not each proposal alone (docs/money-operations.md)."""
    transfer, payer = _paid(bank, "50000.00")
    maker = _operator(bank)
    alone = []
    for n in range(5):
        reversal = bank.resolve(ProposeReversal).execute(ReversalCommand(
            transfer.id, "keyed five times", maker, inr("10000.00"), f"split-{n}"))
        if reversal.status is ReversalStatus.POSTED:
            alone.append(reversal.amount.minor)
    assert sum(alone) <= inr("10000.00").minor, (
        f"one operator alone reversed {sum(alone) / 100:.2f} (approval above 10000.00); "
        f"payer now holds {bank.resolve(GetBalance).execute(None, payer).balance.format()}")
    assert alone == [inr("10000.00").minor]  # up to the amount, it still posts at once


def test_a_rejected_or_expired_proposal_no_longer_counts_toward_the_approval_amount(
        bank: punq.Container, clock: SteppingClock) -> None:
    transfer, _ = _paid(bank, "30000.00")
    maker, propose = _operator(bank), bank.resolve(ProposeReversal)
    waiting = propose.execute(ReversalCommand(transfer.id, "too much", maker, inr("20000.00")))
    assert waiting.status is ReversalStatus.PENDING_APPROVAL
    bank.resolve(DecideReversal).reject(waiting.id, maker)  # withdrawn: it holds nothing back
    small = propose.execute(ReversalCommand(transfer.id, "the right part", maker, inr("6000.00")))
    assert small.status is ReversalStatus.POSTED
    waits = propose.execute(ReversalCommand(transfer.id, "and more", maker, inr("5000.00")))
    assert waits.status is ReversalStatus.PENDING_APPROVAL  # 11,000.00 reversed of it in all
    clock.advance(timedelta(hours=25))  # expired: what it asked no longer counts
    last = propose.execute(ReversalCommand(transfer.id, "the rest", maker, inr("4000.00")))
    assert last.status is ReversalStatus.POSTED


def test_a_disputes_refunds_count_toward_the_approval_amount(bank: punq.Container) -> None:
    transfer, _ = _paid(bank, "50000.00")
    operator, payer = _operator(bank), transfer.customer_id
    assert payer is not None
    dispute = bank.resolve(OpenDispute).execute(DisputeCommand(
        payer, transfer.id, DisputeReason.WRONG_AMOUNT, "charged too much",
        RequestContext(actor_id=payer)))
    first = bank.resolve(ProposeReversal).execute(ReversalCommand(
        transfer.id, "part of it at once", operator, inr("10000.00")))
    assert first.status is ReversalStatus.POSTED
    refund = bank.resolve(WorkDisputes).refund(dispute.id, "the rest of the overcharge",
                                               operator, inr("10000.00"))
    assert refund.status is DisputeStatus.INVESTIGATING  # 20,000.00 in all: a second operator


def test_a_reversal_in_another_currency_than_the_banks_waits_for_a_second_operator(
        bank: punq.Container) -> None:
    """The approval amount is rupees: 10,000.00 of dollars is another sum of money, so in
    any currency but the bank's own one operator's word is never enough."""
    dollars = bank.resolve(OpenAccount).execute(OpenAccountCommand(
        customer(bank).customer_number, AccountType.CURRENT, currency="USD"))
    paid = bank.resolve(Deposit).execute(CashCommand(  # keyed into the wrong account
        dollars.account_number, Money.parse("10000.00", "USD"))).transfer
    maker = _operator(bank)
    proposed = bank.resolve(ProposeReversal).execute(ReversalCommand(
        paid.id, "keyed into the wrong account", maker, Money.parse("10000.00", "USD")))
    assert proposed.status is ReversalStatus.PENDING_APPROVAL
    with pytest.raises(SameOperator):
        bank.resolve(DecideReversal).approve(proposed.id, maker)
    approved = bank.resolve(DecideReversal).approve(proposed.id, _operator(bank))
    assert approved.status is ReversalStatus.POSTED


@pytest.mark.parametrize("profile", [pytest.param("postgresql", marks=pytest.mark.postgresql)])
def test_two_proposals_at_once_cannot_pass_the_approval_amount_alone(
        bank: punq.Container) -> None:
    transfer, _ = _paid(bank, "20000.00")
    maker, propose = _operator(bank), bank.resolve(ProposeReversal)

    def half(n: int) -> object:
        return propose.execute(ReversalCommand(transfer.id, "split", maker, inr("10000.00"),
                                               f"half-{n}"))

    answers = both_at_once(lambda: half(1), lambda: half(2))
    statuses = sorted(a.status.value for a in answers)  # type: ignore[union-attr]
    assert statuses == ["pending_approval", "posted"]


@pytest.mark.parametrize("profile", [pytest.param("postgresql", marks=pytest.mark.postgresql)])
def test_a_retry_racing_the_first_proposal_gets_the_same_answer(
        bank: punq.Container, monkeypatch: pytest.MonkeyPatch) -> None:
    transfer, _ = _paid(bank, "500.00")
    maker = _operator(bank)
    # Both requests look their key up before either commits (a retry sent while the first is
    # still on its way): the first two lookups meet here, every later one passes.
    meet, calls, guard = threading.Barrier(2, timeout=10), [0], threading.Lock()
    looked_up = SqlReversals.by_key

    def by_key(self: SqlReversals, proposed_by, key):  # type: ignore[no-untyped-def]
        found = looked_up(self, proposed_by, key)
        with guard:
            calls[0] += 1
            first_two = calls[0] <= 2
        if first_two:
            meet.wait()
        return found

    monkeypatch.setattr(SqlReversals, "by_key", by_key)

    def propose() -> object:
        return bank.resolve(ProposeReversal).execute(ReversalCommand(
            transfer.id, "paid twice", maker, None, "retry-me"))

    answers = both_at_once(propose, propose)
    refused = [a for a in answers if isinstance(a, DomainError)]
    assert not refused, f"a retry of the same proposal was refused: {refused[0].code}"
    assert answers[0].id == answers[1].id  # type: ignore[union-attr]


@pytest.mark.parametrize("profile", ["memory"])
def test_a_reversed_teller_deposit_shows_at_the_close_of_the_day(bank: punq.Container) -> None:
    wrong, right = (account(bank, customer(bank)).account_number for _ in range(2))
    teller = RequestContext(actor_id=customer(bank, Role.TELLER).id)
    cash = bank.resolve(TellerCash)
    keyed = cash.execute(TellerCommand(CashKind.DEPOSIT, wrong, inr("5000.00"), teller)).transfer
    bank.resolve(ProposeReversal).execute(ReversalCommand(
        keyed.id, "keyed into the wrong account", _operator(bank)))
    cash.execute(TellerCommand(CashKind.DEPOSIT, right, inr("5000.00"), teller))
    close = bank.resolve(CloseTillDay)
    [report] = close.execute(close.today(), RequestContext())
    # The drawer holds 5,000.00 more than at opening; the cash account's legs agree.
    assert report.totals.net == inr("5000.00") or not report.balanced, (
        f"the till says {report.totals.net} came in and 'balanced'; the ledger's cash account "
        "says 5000.00")
