"""A transfer's reference (docs/money-operations.md: "unique among
their transfers"). It names the customer's payment: one that moved or holds money keeps it, one
the fraud checks blocked, or whose hold was given back, leaves it to the corrected payment."""

from __future__ import annotations

from uuid import UUID

import punq
import pytest

from application.context import RequestContext
from application.fraud import FraudEngine
from application.use_cases import ReviewTransfers, TransferCommand, TransferMoney
from domain.customer import Role
from domain.errors import DomainError, ReferenceTaken, TransferBlocked
from domain.transfer import TransferStatus
from tests.support.banking import account, customer, inr
from tests.support.races import both_at_once
from tests.support.scripted_fraud import AmountScriptedEngine


def _payer_and_payee(bank: punq.Container) -> tuple[UUID, str, str, TransferMoney]:
    bank.register(FraudEngine, instance=AmountScriptedEngine())  # paise % 4: allow, challenge,
    payer, payee = customer(bank), customer(bank)               # review, block
    source = account(bank, payer, "1000.00").account_number
    return payer.id, source, account(bank, payee).account_number, bank.resolve(TransferMoney)


def test_a_refused_payment_does_not_use_up_its_reference(bank: punq.Container) -> None:
    payer, source, target, pay = _payer_and_payee(bank)
    with pytest.raises(TransferBlocked):
        pay.execute(TransferCommand(payer, source, target, inr("100.03"),
                                    reference="INV-2026-17", idempotency_key="try-1"))
    paid = pay.execute(TransferCommand(payer, source, target, inr("100.00"),
                                       reference="INV-2026-17", idempotency_key="try-2"))
    assert paid.transfer.status is TransferStatus.COMPLETED
    with pytest.raises(TransferBlocked):  # refused again: still nothing taken from the paid one
        pay.execute(TransferCommand(payer, source, target, inr("100.07"),
                                    reference="INV-2026-17", idempotency_key="try-3"))
    with pytest.raises(ReferenceTaken):  # the posted payment keeps its reference
        pay.execute(TransferCommand(payer, source, target, inr("100.00"),
                                    reference="INV-2026-17", idempotency_key="try-4"))


def test_a_held_payment_keeps_its_reference_until_its_hold_is_given_back(
        bank: punq.Container) -> None:
    payer, source, target, pay = _payer_and_payee(bank)
    held = pay.execute(TransferCommand(payer, source, target, inr("100.02"),
                                       reference="INV-9", idempotency_key="held")).transfer
    assert held.status is TransferStatus.PENDING_REVIEW
    with pytest.raises(ReferenceTaken):
        pay.execute(TransferCommand(payer, source, target, inr("100.00"), reference="INV-9"))
    operator = RequestContext(actor_id=customer(bank, Role.OPERATOR).id)
    bank.resolve(ReviewTransfers).decide(held.id, False, operator)  # voided: nothing moved
    paid = pay.execute(TransferCommand(payer, source, target, inr("100.00"), reference="INV-9"))
    assert paid.transfer.status is TransferStatus.COMPLETED


def test_two_payments_under_one_reference_at_once_post_once(bank: punq.Container) -> None:
    payer, source, target, pay = _payer_and_payee(bank)

    def paying(key: str) -> object:
        return pay.execute(TransferCommand(payer, source, target, inr("100.00"),
                                           reference="INV-RACE", idempotency_key=key))

    answers = both_at_once(lambda: paying("a"), lambda: paying("b"))
    refused = [a for a in answers if isinstance(a, DomainError)]
    assert [e.code for e in refused] == ["reference_taken"]
