"""Disputes on the memory, SQLite and PostgreSQL profiles: the payer disputes a posted debit
within the window, once; operators investigate and resolve it; a refund is a reversal through
the same maker-checker, and a reversal racing a dispute's refund never posts twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import punq
import pytest

from application.context import RequestContext
from application.use_cases import (
    DecideReversal,
    DisputeCommand,
    GetBalance,
    ListDisputes,
    OpenDispute,
    ProposeReversal,
    ReversalCommand,
    TransferCommand,
    TransferMoney,
    WorkDisputes,
)
from domain.customer import Customer, Role
from domain.dispute import Dispute, DisputeReason, DisputeStatus
from domain.errors import (
    DisputeExists,
    DisputeNotAllowed,
    DisputeStateError,
    DomainError,
    TransferNotFound,
)
from domain.transfer import Transfer
from tests.support.banking import account, customer, inr
from tests.support.clock import SteppingClock


def _paid(bank: punq.Container, amount: str) -> tuple[Customer, Transfer, str, str]:
    payer, payee = customer(bank), customer(bank)
    source, target = account(bank, payer, "50000.00"), account(bank, payee)
    transfer = bank.resolve(TransferMoney).execute(TransferCommand(
        customer_id=payer.id, from_account_number=source.account_number,
        to_account_number=target.account_number, amount=inr(amount))).transfer
    assert transfer.posted_at is not None
    return payer, transfer, source.account_number, target.account_number


def _dispute(bank: punq.Container, who: Customer, transfer: Transfer) -> Dispute:
    return bank.resolve(OpenDispute).execute(DisputeCommand(
        who.id, transfer.id, DisputeReason.NOT_RECEIVED, "the parcel never came",
        RequestContext(actor_id=who.id)))


def _operator(bank: punq.Container) -> RequestContext:
    return RequestContext(actor_id=customer(bank, Role.OPERATOR).id)


def _balance(bank: punq.Container, number: str) -> str:
    return bank.resolve(GetBalance).execute(None, number).balance.format()


def test_the_payer_disputes_once_within_the_window(bank: punq.Container,
                                                   clock: SteppingClock) -> None:
    payer, transfer, _, _ = _paid(bank, "500.00")
    with pytest.raises(TransferNotFound):  # the payee, or anyone else, finds no such debit
        _dispute(bank, customer(bank), transfer)
    opened = _dispute(bank, payer, transfer)
    assert opened.status is DisputeStatus.OPEN
    assert opened.due_by - opened.opened_at == timedelta(days=30)
    with pytest.raises(DisputeExists):
        _dispute(bank, payer, transfer)
    late_payer, late, _, _ = _paid(bank, "10.00")
    clock.advance(timedelta(days=91))
    with pytest.raises(DisputeNotAllowed, match="within 90 days"):
        _dispute(bank, late_payer, late)
    mine, now = bank.resolve(ListDisputes).mine(payer.id, 10)
    assert [d.id for d in mine] == [opened.id] and mine[0].overdue(now)


def test_a_small_refund_resolves_the_case_at_once(bank: punq.Container) -> None:
    payer, transfer, source, target = _paid(bank, "500.00")
    case = _dispute(bank, payer, transfer)
    work, ops = bank.resolve(WorkDisputes), _operator(bank)
    assert work.investigate(case.id, ops).status is DisputeStatus.INVESTIGATING
    done = work.refund(case.id, "the merchant confirmed it never shipped", ops)
    assert done.status is DisputeStatus.RESOLVED_REFUNDED and done.reversal_id
    assert (_balance(bank, source), _balance(bank, target)) == ("50000.00", "0.00")
    with pytest.raises(DisputeStateError):
        work.reject(case.id, "too late", ops)


def test_a_large_refund_resolves_when_a_second_operator_approves(bank: punq.Container) -> None:
    payer, transfer, source, _ = _paid(bank, "20000.00")
    case = _dispute(bank, payer, transfer)
    maker, checker = _operator(bank), _operator(bank)
    waiting = bank.resolve(WorkDisputes).refund(case.id, "refund agreed", maker)
    assert waiting.status is DisputeStatus.INVESTIGATING and waiting.reversal_id
    assert _balance(bank, source) == "30000.00"
    bank.resolve(DecideReversal).approve(waiting.reversal_id, checker)
    resolved, _ = bank.resolve(ListDisputes).get(payer.id, case.id)
    assert resolved.status is DisputeStatus.RESOLVED_REFUNDED
    assert resolved.resolution == "refund agreed"
    assert _balance(bank, source) == "50000.00"


def test_a_rejected_refund_leaves_the_case_to_be_worked_again(bank: punq.Container) -> None:
    payer, transfer, _, _ = _paid(bank, "20000.00")
    case = _dispute(bank, payer, transfer)
    maker, checker = _operator(bank), _operator(bank)
    waiting = bank.resolve(WorkDisputes).refund(case.id, "refund agreed", maker)
    bank.resolve(DecideReversal).reject(waiting.reversal_id, checker)
    again, _ = bank.resolve(ListDisputes).get(None, case.id)
    assert again.status is DisputeStatus.INVESTIGATING and again.reversal_id is None
    rejected = bank.resolve(WorkDisputes).reject(case.id, "the goods were delivered", checker)
    assert rejected.status is DisputeStatus.RESOLVED_REJECTED


def test_a_reversal_racing_a_disputes_refund_posts_once(bank: punq.Container) -> None:
    payer, transfer, source, target = _paid(bank, "900.00")
    case = _dispute(bank, payer, transfer)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def run(act: object) -> None:
        start.wait()
        try:
            act()  # type: ignore[operator]
            outcomes.append("done")
        except DomainError as error:
            outcomes.append(error.code)

    acts = [lambda: bank.resolve(WorkDisputes).refund(case.id, "refund", _operator(bank)),
            lambda: bank.resolve(ProposeReversal).execute(ReversalCommand(
                transfer.id, "keyed twice", _operator(bank)))]
    threads = [threading.Thread(target=run, args=(a,)) for a in acts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["done", "reversal_not_allowed"]
    assert (_balance(bank, source), _balance(bank, target)) == ("50000.00", "0.00")


def test_the_queue_pages_by_deadline_without_skipping_or_repeating(
        bank: punq.Container) -> None:
    cases = [_dispute(bank, payer, transfer) for payer, transfer, _, _ in
             (_paid(bank, "10.00") for _ in range(5))]  # the clock stands still: equal deadlines
    pages, after = [], None
    while True:
        found, _ = bank.resolve(ListDisputes).queue(None, False, after, 2)
        pages.append([d.id for d in found])
        if len(found) < 2:
            break
        after = (found[-1].due_by, found[-1].id)
    seen = [i for page in pages for i in page]
    assert sorted(seen) == sorted(c.id for c in cases) and len(seen) == len(set(seen))
