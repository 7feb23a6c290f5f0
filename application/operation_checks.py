"""What `vaani ledger verify` proves about the money operations beside the ledger: each posted
reversal moved its amount back and no transfer is reversed past what it moved; each month of
interest posted exactly its accruals and carry, in whole minor units."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from operator import attrgetter

from application.ports import UnitOfWork
from domain.interest import DENOMINATOR
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
    posting and its carry out, the carry in is the previous month's carry out, and the posting's
    transfer credited exactly that amount."""
    for account_id, months in groupby(uow.interest.postings(), key=attrgetter("account_id")):
        carry = 0
        for posting in months:
            where = f"interest of {posting.month} on account {account_id}"
            if posting.carried_in != carry:
                yield f"{where} carries in {posting.carried_in}, the month before left {carry}"
            if uow.interest.accrued_in(account_id, posting.month) != posting.accrued \
                    or posting.amount * DENOMINATOR + posting.carried_out \
                    != posting.carried_in + posting.accrued \
                    or not 0 <= posting.carried_out < DENOMINATOR:
                yield f"{where} does not add up to its accruals and carry"
            if posting.amount > 0:
                transfer = uow.transfers.get(posting.transfer_id) if posting.transfer_id else None
                if transfer is None or transfer.kind is not TransferKind.INTEREST \
                        or transfer.status is not TransferStatus.COMPLETED \
                        or transfer.amount.minor != posting.amount \
                        or transfer.to_account_id != account_id:
                    yield f"{where} posts {posting.amount} but no interest transfer credited it"
            carry = posting.carried_out
