"""Hostile review (h/review): a transfer's reference (docs/money-operations.md: "unique among
their transfers"). Marked xfail: a defect found in review."""

from __future__ import annotations

import punq
import pytest

from application.fraud import FraudEngine
from application.use_cases import TransferCommand, TransferMoney
from domain.errors import TransferBlocked
from domain.transfer import TransferStatus
from tests.support.banking import account, customer, inr
from tests.support.scripted_fraud import AmountScriptedEngine


@pytest.fixture
def profile() -> str:
    return "memory"


@pytest.mark.xfail(strict=True, reason="review: a payment the fraud checks refused is stored "
                   "(BLOCKED) with its reference (application/use_cases/postings.py:186), and the "
                   "reference's unique index counts it (adapters/sql/ledger_tables.py:67): the "
                   "customer can never pay that invoice under its own reference (409 "
                   "reference_taken) though no money moved")
def test_a_refused_payment_does_not_use_up_its_reference(bank: punq.Container) -> None:
    bank.register(FraudEngine, instance=AmountScriptedEngine())  # paise % 4 == 3: blocked
    payer, payee = customer(bank), customer(bank)
    source = account(bank, payer, "1000.00").account_number
    target = account(bank, payee).account_number
    pay = bank.resolve(TransferMoney)
    with pytest.raises(TransferBlocked):
        pay.execute(TransferCommand(payer.id, source, target, inr("100.03"),
                                    reference="INV-2026-17", idempotency_key="try-1"))
    paid = pay.execute(TransferCommand(payer.id, source, target, inr("100.00"),
                                       reference="INV-2026-17", idempotency_key="try-2"))
    assert paid.transfer.status is TransferStatus.COMPLETED
