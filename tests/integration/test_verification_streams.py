"""`VerifyLedger` walks transfers, their legs and their audit records together, merging three
streams the repositories give in transfer order (so its memory stays flat as history grows):
each repository keeps that order on memory, SQLite and PostgreSQL, and the merge still finds
what a broken ledger hides."""

from __future__ import annotations

from uuid import UUID

import punq

from application.ports import UnitOfWorkFactory
from application.use_cases import TransferCommand, TransferMoney, VerifyLedger
from application.use_cases.verify_ledger import POSTED
from tests.support.banking import account, customer, deposit, inr


def _many_transfers(bank: punq.Container, count: int) -> None:
    owner = customer(bank)
    source, target = account(bank, owner), account(bank, owner)
    deposit(bank, source.account_number, "1000.00")
    for i in range(count):
        bank.resolve(TransferMoney).execute(TransferCommand(
            customer_id=owner.id, from_account_number=source.account_number,
            to_account_number=target.account_number, amount=inr("1.00"), description="",
            idempotency_key=f"stream-{i}"))


def test_each_stream_comes_in_transfer_order(bank: punq.Container) -> None:
    _many_transfers(bank, 12)
    with bank.resolve(UnitOfWorkFactory)() as uow:
        statuses = [transfer_id for transfer_id, _ in uow.transfers.statuses()]
        legs = [(e.transfer_id, e.entry_type.value) for e in uow.ledger.by_transfer()]
        records = [(UUID(e.resource.removeprefix("transfer:")), e.sequence)
                   for e in uow.audit.recorded(POSTED)]
    assert len(statuses) == 13 and statuses == sorted(statuses)  # the deposit and 12 transfers
    assert len(legs) == 26 and legs == sorted(legs)
    assert len(records) == 13 and records == sorted(records)
    assert {t for t, _ in legs} == set(statuses) == {t for t, _ in records}


def test_the_merged_walk_counts_every_transfer_once(bank: punq.Container) -> None:
    _many_transfers(bank, 5)
    report = bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems
    assert (report.transfers, report.entries) == (6, 12)
