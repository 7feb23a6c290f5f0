"""What `vaani ledger verify` proves about the money operations beside the ledger: each posted
reversal moved its amount back and no transfer is reversed past what it moved; each month of
interest posted exactly its accruals and carry, in whole minor units."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from operator import attrgetter
from uuid import UUID

from application.ports import UnitOfWork
from domain.interest import DENOMINATOR, closed_accounts_payable_number
from domain.money import Money
from domain.transfer import TransferKind, TransferStatus


def check_reversals(uow: UnitOfWork) -> Iterator[str]:
    """Each posted reversal moved its amount from the original's payee back to its payer, and
    a transfer's reversals add up to no more than it moved (few: each is read by its id)."""
    for transfer_id, group in groupby(uow.reversals.posted(), key=attrgetter("transfer_id")):
        original = uow.transfers.get(transfer_id)
        total = 0
        for reversal in group:
            posted = uow.transfers.get(reversal.reversal_transfer_id) \
                if reversal.reversal_transfer_id else None
            if original is None or posted is None \
                    or posted.status is not TransferStatus.COMPLETED \
                    or posted.kind is not TransferKind.REVERSAL or posted.amount != reversal.amount \
                    or (posted.from_account_id, posted.to_account_id) != \
                    (original.to_account_id, original.from_account_id):
                yield (f"reversal {reversal.id} is posted but its transfer does not move "
                       f"{reversal.amount.format()} back from the original's payee to its payer")
            total += reversal.amount.minor
        if original is not None and total > original.amount.minor:
            yield (f"transfer {original.id} moved {original.amount.format()} but its reversals "
                   f"add up to {Money(total, original.amount.currency).format()}")


def check_interest(uow: UnitOfWork) -> Iterator[str]:
    """Streamed by account then month: each month's accruals plus the carry in are its
    posting and its carry out, the carry in is the previous month's carry out, the posting's
    transfer credited exactly that amount (to the account, or to the bank's payable for
    closed accounts when it was settled at the close), and no accrual is marked posted by a
    posting that does not exist (it would never be paid)."""
    marked = uow.interest.posted_totals()
    pending = next(marked, None)
    for account_id, months in groupby(uow.interest.postings(), key=attrgetter("account_id")):
        carry = 0
        for posting in months:
            where = f"interest of {posting.month} on account {account_id}"
            while pending is not None and (pending[0], pending[1]) < (account_id, posting.month):
                yield _unpaid(pending)
                pending = next(marked, None)
            accrued = 0
            if pending is not None and (pending[0], pending[1]) == (account_id, posting.month):
                accrued, pending = pending[2], next(marked, None)
            if posting.carried_in != carry:
                yield f"{where} carries in {posting.carried_in}, the month before left {carry}"
            if accrued != posting.accrued \
                    or posting.amount * DENOMINATOR + posting.carried_out \
                    != posting.carried_in + posting.accrued \
                    or not 0 <= posting.carried_out < DENOMINATOR:
                yield f"{where} does not add up to its accruals and carry"
            if posting.amount > 0 and not _credited(uow, posting.transfer_id, account_id,
                                                    posting.amount):
                yield f"{where} posts {posting.amount} but no interest transfer credited it"
            carry = posting.carried_out
    while pending is not None:
        yield _unpaid(pending)
        pending = next(marked, None)


def _unpaid(marked: tuple[UUID, str, int]) -> str:
    return (f"accruals of account {marked[0]} are marked posted as {marked[1]}, but no posting "
            "of that month paid them")


def _credited(uow: UnitOfWork, transfer_id: UUID | None, account_id: UUID, amount: int) -> bool:
    transfer = uow.transfers.get(transfer_id) if transfer_id else None
    if transfer is None or transfer.kind is not TransferKind.INTEREST \
            or transfer.status is not TransferStatus.COMPLETED or transfer.amount.minor != amount:
        return False
    if transfer.to_account_id == account_id:
        return True
    payable = uow.accounts.by_number(closed_accounts_payable_number(transfer.amount.currency))
    return payable is not None and transfer.to_account_id == payable.id
