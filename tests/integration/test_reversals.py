"""Reversals on the memory, SQLite and PostgreSQL profiles: a compensating transfer, never an
edit; at most the original in total; maker-checker above the approval amount (10,000.00 by
default); proposals expire; a payee who cannot cover it is refused and nothing moves."""

from __future__ import annotations

import threading
from datetime import timedelta

import punq
import pytest

from application.context import RequestContext
from application.use_cases import (
    CashCommand,
    DecideReversal,
    GetBalance,
    GetTransfer,
    ProposeReversal,
    ReversalCommand,
    TransferCommand,
    TransferMoney,
    Withdraw,
)
from domain.customer import Role
from domain.errors import (
    IdempotencyConflict,
    InsufficientFunds,
    ReversalDecided,
    ReversalExpired,
    ReversalNotAllowed,
    SameOperator,
)
from domain.reversal import ReversalStatus
from domain.transfer import Transfer, TransferKind, TransferStatus
from tests.support.banking import account, customer, inr
from tests.support.clock import SteppingClock


def _paid(bank: punq.Container, amount: str) -> tuple[Transfer, str, str]:
    """A customer paid someone else's account `amount`: (the transfer, payer's, payee's)."""
    payer, payee = customer(bank), customer(bank)
    source, target = account(bank, payer, "50000.00"), account(bank, payee)
    transfer = bank.resolve(TransferMoney).execute(TransferCommand(
        customer_id=payer.id, from_account_number=source.account_number,
        to_account_number=target.account_number, amount=inr(amount))).transfer
    assert transfer.status is TransferStatus.COMPLETED
    return transfer, source.account_number, target.account_number


def _operator(bank: punq.Container) -> RequestContext:
    return RequestContext(actor_id=customer(bank, Role.OPERATOR).id)


def _balance(bank: punq.Container, number: str) -> str:
    return bank.resolve(GetBalance).execute(None, number).balance.format()


def _propose(bank: punq.Container, transfer: Transfer, who: RequestContext,
             amount: str | None = None, key: str | None = None, reason: str = "wrong payee"):
    return bank.resolve(ProposeReversal).execute(ReversalCommand(
        transfer.id, reason, who, inr(amount) if amount else None, key))


def test_a_small_reversal_posts_at_once_and_the_original_shows_it(bank: punq.Container) -> None:
    transfer, payer, payee = _paid(bank, "500.00")
    reversal = _propose(bank, transfer, _operator(bank), "200.00")
    assert reversal.status is ReversalStatus.POSTED and reversal.reversal_transfer_id
    assert (_balance(bank, payer), _balance(bank, payee)) == ("49700.00", "300.00")
    view = bank.resolve(GetTransfer).execute(None, transfer.id, RequestContext())
    assert view.transfer.status is TransferStatus.COMPLETED  # the original is never edited
    assert view.reversals is not None and view.reversals.reversible.format() == "300.00"
    assert [r.id for r in view.reversals.reversals] == [reversal.id]
    posted = bank.resolve(GetTransfer).execute(None, reversal.reversal_transfer_id,
                                               RequestContext())
    assert posted.transfer.kind is TransferKind.REVERSAL
    assert (posted.transfer.from_account_number, posted.transfer.to_account_number) == (payee, payer)
    assert posted.reversals is not None and posted.reversals.reverses == transfer.id


def test_reversals_never_exceed_the_original(bank: punq.Container) -> None:
    transfer, _, _ = _paid(bank, "100.00")
    who = _operator(bank)
    _propose(bank, transfer, who, "30.00")
    with pytest.raises(ReversalNotAllowed, match=r"at most 70\.00"):
        _propose(bank, transfer, who, "80.00")
    _propose(bank, transfer, who)  # the rest: 70.00
    with pytest.raises(ReversalNotAllowed, match="all of this transfer"):
        _propose(bank, transfer, who)


def test_above_the_approval_amount_a_second_operator_approves(bank: punq.Container) -> None:
    transfer, payer, payee = _paid(bank, "20000.00")
    maker, checker = _operator(bank), _operator(bank)
    reversal = _propose(bank, transfer, maker)
    assert reversal.status is ReversalStatus.PENDING_APPROVAL
    assert _balance(bank, payee) == "20000.00"
    decide = bank.resolve(DecideReversal)
    with pytest.raises(SameOperator):
        decide.approve(reversal.id, maker)
    approved = decide.approve(reversal.id, checker)
    assert approved.status is ReversalStatus.POSTED and approved.decided_by == checker.actor_id
    assert (_balance(bank, payer), _balance(bank, payee)) == ("50000.00", "0.00")
    with pytest.raises(ReversalDecided):
        decide.approve(reversal.id, _operator(bank))


def test_a_payee_who_cannot_cover_it_is_refused_and_nothing_moves(bank: punq.Container) -> None:
    transfer, payer, payee = _paid(bank, "20000.00")
    reversal = _propose(bank, transfer, _operator(bank))
    bank.resolve(Withdraw).execute(CashCommand(payee, inr("19000.00")))  # spent meanwhile
    with pytest.raises(InsufficientFunds, match="cannot cover the reversal"):
        bank.resolve(DecideReversal).approve(reversal.id, _operator(bank))
    assert (_balance(bank, payer), _balance(bank, payee)) == ("30000.00", "1000.00")
    still = bank.resolve(GetTransfer).execute(None, transfer.id, RequestContext()).reversals
    assert still is not None and still.reversals[0].status is ReversalStatus.PENDING_APPROVAL


def test_a_proposal_nobody_approved_in_time_expires(bank: punq.Container,
                                                      clock: SteppingClock) -> None:
    transfer, _, _ = _paid(bank, "20000.00")
    reversal = _propose(bank, transfer, _operator(bank))
    clock.advance(timedelta(hours=24))
    with pytest.raises(ReversalExpired):
        bank.resolve(DecideReversal).approve(reversal.id, _operator(bank))
    _propose(bank, transfer, _operator(bank))  # an expired proposal holds nothing back


def test_a_retried_proposal_is_the_same_proposal(bank: punq.Container) -> None:
    transfer, _, _ = _paid(bank, "20000.00")
    who = _operator(bank)
    first = _propose(bank, transfer, who, "100.00", key="k-1")
    assert _propose(bank, transfer, who, "100.00", key="k-1").id == first.id
    with pytest.raises(IdempotencyConflict):
        _propose(bank, transfer, who, "200.00", key="k-1")


def test_only_posted_transfers_that_are_not_reversals_can_be_reversed(bank: punq.Container) -> None:
    transfer, _, _ = _paid(bank, "100.00")
    reversal = _propose(bank, transfer, _operator(bank))
    compensating = bank.resolve(GetTransfer).execute(None, reversal.reversal_transfer_id,
                                                     RequestContext()).transfer
    with pytest.raises(ReversalNotAllowed, match="cannot itself be reversed"):
        _propose(bank, compensating, _operator(bank))


def test_its_proposer_may_withdraw_it(bank: punq.Container) -> None:
    transfer, _, payee = _paid(bank, "20000.00")
    maker = _operator(bank)
    reversal = _propose(bank, transfer, maker)
    assert bank.resolve(DecideReversal).reject(reversal.id, maker).status is ReversalStatus.REJECTED
    assert _balance(bank, payee) == "20000.00"


def test_two_approvers_at_once_post_it_once(bank: punq.Container) -> None:
    transfer, payer, payee = _paid(bank, "20000.00")
    reversal = _propose(bank, transfer, _operator(bank))
    checkers = [_operator(bank), _operator(bank)]
    outcomes: list[object] = []
    start = threading.Barrier(2)

    def approve(who: RequestContext) -> None:
        start.wait()
        try:
            outcomes.append(bank.resolve(DecideReversal).approve(reversal.id, who).status)
        except ReversalDecided as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=approve, args=(c,)) for c in checkers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, outcomes)) == ["posted", "reversal_decided"]
    assert (_balance(bank, payer), _balance(bank, payee)) == ("50000.00", "0.00")
