"""A dispute whose refund expired. The rule (docs/money-operations.md):
above the approval amount "the case stays investigating until a second operator approves the
reversal (then resolved_refunded) or rejects it or it expires (then the case is worked again)".
Found in review: the case could not be rejected until someone tried to decide the dead reversal."""

from __future__ import annotations

from datetime import timedelta

import punq
import pytest

from application.context import RequestContext
from application.use_cases import (
    DecideReversal,
    DisputeCommand,
    ListDisputes,
    OpenDispute,
    TransferCommand,
    TransferMoney,
    WorkDisputes,
)
from domain.customer import Role
from domain.dispute import Dispute, DisputeReason, DisputeStatus
from domain.errors import DisputeStateError, ReversalExpired
from tests.support.banking import account, customer, inr
from tests.support.clock import SteppingClock


def disputed_payment(bank: punq.Container) -> Dispute:
    """A payment of 20,000.00 (above the approval amount) its payer disputes."""
    payer, payee = customer(bank), customer(bank)
    source = account(bank, payer, "50000.00").account_number
    paid = bank.resolve(TransferMoney).execute(TransferCommand(
        payer.id, source, account(bank, payee).account_number, inr("20000.00"))).transfer
    return bank.resolve(OpenDispute).execute(DisputeCommand(
        payer.id, paid.id, DisputeReason.NOT_RECEIVED, "the parcel never came",
        RequestContext(actor_id=payer.id)))


def test_a_case_whose_refund_expired_can_be_rejected(bank: punq.Container,
                                                     clock: SteppingClock) -> None:
    dispute = disputed_payment(bank)
    work = bank.resolve(WorkDisputes)
    operator = RequestContext(actor_id=customer(bank, Role.OPERATOR).id)
    waiting = work.refund(dispute.id, "the courier lost it", operator)  # 20,000.00: approval
    assert waiting.status is DisputeStatus.INVESTIGATING and waiting.reversal_id is not None
    clock.advance(timedelta(hours=25))  # nobody approved it: the proposal expired
    rejected = work.reject(dispute.id, "the courier found it and delivered it", operator)
    assert rejected.status is DisputeStatus.RESOLVED_REJECTED
    second = RequestContext(actor_id=customer(bank, Role.OPERATOR).id)
    with pytest.raises(ReversalExpired):  # the dead refund, decided late, changes nothing
        bank.resolve(DecideReversal).approve(waiting.reversal_id, second)
    case, _ = bank.resolve(ListDisputes).get(None, dispute.id)
    assert case.status is DisputeStatus.RESOLVED_REJECTED and case.reversal_id is None


def test_a_case_whose_refund_still_waits_cannot_be_rejected(bank: punq.Container) -> None:
    dispute = disputed_payment(bank)
    work = bank.resolve(WorkDisputes)
    operator = RequestContext(actor_id=customer(bank, Role.OPERATOR).id)
    work.refund(dispute.id, "the courier lost it", operator)
    with pytest.raises(DisputeStateError):  # a second operator may still approve the refund
        work.reject(dispute.id, "changed my mind", operator)
