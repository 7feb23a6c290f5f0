"""Paying an account the interest it accrued: the one step both a month's posting and an
account's close take, so every accrued paisa is posted exactly once (docs/money-operations.md).

An account's months are posted in order: a posting takes every accrual of the account dated
before the month's end that no posting took yet — a month refused earlier (frozen), a day
accrued late (a nightly run redone by hand after its month was posted) — and the carry of the
account's latest posting. A month posted already, or one before it, takes nothing: what came
late waits for the account's next posting, so the carry chain never forks."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import attrs

from application.ports import UnitOfWork
from application.use_cases.postings import Poster, PostingRequest
from domain.account import Account, AccountStatus
from domain.errors import AccountNotFound
from domain.interest import (
    closed_accounts_payable_number,
    interest_account_number,
    post_month,
)
from domain.ledger import Channel
from domain.money import Money
from domain.transfer import TransferKind

POSTED, CARRIED, ALREADY = "posted", "carried", "already"


def settle_interest(uow: UnitOfWork, poster: Poster, account: Account, month: str,
                    until: date) -> str:
    """Post, as `month`, the account's unposted accruals dated before `until`, in the caller's
    unit of work (which holds the account's lock and commits). A closed account holds nothing:
    what it earned before it closed goes to the bank's payable for closed accounts, owed to
    its former owner. Returns POSTED, CARRIED (under one minor unit) or ALREADY."""
    latest = uow.interest.latest_posting(account.id)
    if latest is not None and latest.month >= month:
        return ALREADY
    waiting = uow.interest.unposted(until, account.id)
    if not waiting:
        return ALREADY
    posting = post_month(account.id, month, sum(a.numerator for a in waiting),
                         latest.carried_out if latest else 0)
    if posting.amount > 0:
        payee = account.account_number if account.status is not AccountStatus.CLOSED \
            else closed_accounts_payable_number(account.currency)
        transfer = _credit(uow, poster, account.account_number, payee,
                           Money(posting.amount, account.currency), month)
        posting = attrs.evolve(posting, transfer_id=transfer)
    uow.interest.add_posting(posting)
    uow.interest.mark_posted(account.id, [a.accrual_date for a in waiting], month)
    return POSTED if posting.amount > 0 else CARRIED


def _credit(uow: UnitOfWork, poster: Poster, number: str, payee: str, amount: Money,
            month: str) -> UUID:
    bank = interest_account_number(amount.currency)
    description = f"Interest {month}" if payee == number \
        else f"Interest {month} of closed account {number}"
    request = PostingRequest(
        kind=TransferKind.INTEREST, from_account_number=bank, to_account_number=payee,
        amount=amount, channel=Channel.BRANCH, description=description,
        idempotency_key=f"{number}:{month}", idempotency_scope="interest")

    def authorize(_: UnitOfWork, locked: dict[str, Account]) -> tuple[Account, Account]:
        if bank not in locked or payee not in locked:
            raise AccountNotFound(f"account {payee} or {bank} not found", account_number=payee)
        return locked[bank], locked[payee]

    return poster.post_in(uow, request, authorize).transfer.id
