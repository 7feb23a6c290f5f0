"""Transfer money from a customer's account to any customer's account."""

from __future__ import annotations

from uuid import UUID

import attrs

from application.context import SYSTEM, RequestContext
from application.fraud_screen import FraudScreen
from application.ports import UnitOfWork
from application.use_cases.postings import Poster, PostingRequest, PostingResult
from domain.account import Account, AccountType
from domain.errors import AccountNotFound, TransferBlocked, ValidationError
from domain.fraud import Assessment
from domain.ledger import Channel
from domain.money import Money
from domain.transfer import TransferKind, TransferStatus


@attrs.frozen
class TransferCommand:
    customer_id: UUID
    from_account_number: str
    to_account_number: str
    amount: Money
    description: str = ""
    channel: Channel = Channel.ONLINE
    idempotency_key: str | None = None
    context: RequestContext = SYSTEM


class TransferMoney:
    """Move money between two accounts atomically; a retry with the same key moves nothing."""

    def __init__(self, poster: Poster, screen: FraudScreen) -> None:
        self._poster = poster
        self._screen = screen

    def execute(self, command: TransferCommand) -> PostingResult:
        request = PostingRequest(
            kind=TransferKind.TRANSFER, from_account_number=command.from_account_number,
            to_account_number=command.to_account_number, amount=command.amount,
            channel=command.channel, description=command.description,
            idempotency_key=command.idempotency_key,
            idempotency_scope=f"customer:{command.customer_id}", initiated_by=command.customer_id,
            context=command.context,
        )

        def authorize(_: UnitOfWork, locked: dict[str, Account]) -> tuple[Account, Account]:
            source = locked.get(command.from_account_number)
            if source is None or source.customer_id != command.customer_id:
                raise AccountNotFound(f"account {command.from_account_number} not found",
                                      account_number=command.from_account_number)
            if command.to_account_number == command.from_account_number:
                raise ValidationError("cannot transfer money to the same account",
                                      field="to_account_number")
            destination = locked.get(command.to_account_number)
            if destination is None or destination.account_type is AccountType.INTERNAL:
                raise AccountNotFound(f"account {command.to_account_number} not found",
                                      account_number=command.to_account_number)
            return source, destination

        def assess(uow: UnitOfWork, source: Account, destination: Account) -> Assessment:
            return self._screen.assess(uow, source, destination, command.amount, command.channel,
                                       command.context)

        result = self._poster.post(request, authorize, screen=assess)
        if result.transfer.status is TransferStatus.BLOCKED:  # recorded, then refused
            raise TransferBlocked("this transfer was refused by the bank's fraud checks",
                                  transfer_id=str(result.transfer.id))
        return result
