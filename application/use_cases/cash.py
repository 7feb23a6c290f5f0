"""Cash deposits and withdrawals: postings against the bank's internal cash account."""

from __future__ import annotations

import attrs

from application.context import SYSTEM, RequestContext
from application.ports import UnitOfWork
from application.use_cases.postings import Poster, PostingRequest, PostingResult
from domain.account import Account, AccountType
from domain.channels import check_cash_channel
from domain.errors import AccountNotFound
from domain.ledger import Channel
from domain.money import Money
from domain.transfer import TransferKind


def cash_account_number(currency: str) -> str:
    """The number of the bank's own cash account in a currency."""
    return f"CASH-{currency}"


@attrs.frozen
class CashCommand:
    account_number: str
    amount: Money
    channel: Channel = Channel.BRANCH
    description: str = ""
    idempotency_key: str | None = None
    context: RequestContext = SYSTEM
    # Where the key is unique: the account by default; a teller's slip numbers are theirs for
    # the business day (teller.py), as a branch numbers its slips from 1 every day.
    idempotency_scope: str | None = None


class _CashMovement:
    kind: TransferKind

    def __init__(self, poster: Poster) -> None:
        self._poster = poster

    def execute(self, command: CashCommand, uow: UnitOfWork | None = None) -> PostingResult:
        check_cash_channel(command.channel)
        cash = cash_account_number(command.amount.currency)
        outward = self.kind is TransferKind.WITHDRAWAL
        request = PostingRequest(
            kind=self.kind,
            from_account_number=command.account_number if outward else cash,
            to_account_number=cash if outward else command.account_number,
            amount=command.amount, channel=command.channel,
            description=command.description or self.kind.value.capitalize(),
            idempotency_key=command.idempotency_key,
            idempotency_scope=command.idempotency_scope or f"cash:{command.account_number}",
            context=command.context,
        )

        def authorize(_: UnitOfWork, locked: dict[str, Account]) -> tuple[Account, Account]:
            account = locked.get(command.account_number)
            if account is None or account.account_type is AccountType.INTERNAL:
                raise AccountNotFound(f"account {command.account_number} not found",
                                      account_number=command.account_number)
            bank = locked.get(cash)
            if bank is None:
                raise AccountNotFound(f"the bank has no cash account for {command.amount.currency}",
                                      currency=command.amount.currency)
            return (account, bank) if outward else (bank, account)

        if uow is not None:  # one part of the caller's change, which commits it
            return self._poster.post_in(uow, request, authorize)
        return self._poster.post(request, authorize)


class Deposit(_CashMovement):
    """Pay cash into an account (branch, ATM)."""

    kind = TransferKind.DEPOSIT


class Withdraw(_CashMovement):
    """Pay cash out of an account; never below its available balance."""

    kind = TransferKind.WITHDRAWAL
