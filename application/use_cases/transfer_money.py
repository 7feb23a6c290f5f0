"""Transfer money from a customer's account to any customer's account."""

from __future__ import annotations

from uuid import UUID

import attrs

from application.context import SYSTEM, RequestContext
from application.fraud_screen import FraudScreen, Screening
from application.ports import UnitOfWork, UnitOfWorkFactory
from application.use_cases.postings import (
    Assessor,
    Authorizer,
    Poster,
    PostingRequest,
    PostingResult,
)
from domain.account import Account, AccountType
from domain.branch import OwnBank
from domain.channels import check_transfer_channel
from domain.errors import AccountNotFound, BeneficiaryNotFound, TransferBlocked, ValidationError
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
    beneficiary_id: UUID | None = None  # instead of to_account_number: pay a saved payee
    reference: str | None = None  # the client's own, unique per customer (searchable)
    metadata: tuple[tuple[str, str], ...] = ()


class TransferMoney:
    """Move money between two accounts atomically; a retry with the same key moves nothing."""

    def __init__(self, poster: Poster, screen: FraudScreen,
                 uow_factory: UnitOfWorkFactory, own_bank: OwnBank) -> None:
        self._poster = poster
        self._screen = screen
        self._uow_factory = uow_factory
        self._own_bank = own_bank

    def _payee(self, uow: UnitOfWork, command: TransferCommand) -> TransferCommand:
        if command.beneficiary_id is None:
            return command
        payee = uow.beneficiaries.get(command.beneficiary_id)
        if payee is None or payee.customer_id != command.customer_id:
            raise BeneficiaryNotFound("no such beneficiary",
                                      beneficiary_id=str(command.beneficiary_id))
        if payee.account_number is None:
            raise ValidationError("this beneficiary has only a UPI id; UPI payments to other "
                                  "banks are not available yet", field="beneficiary_id")
        if not self._own_bank.holds(payee.ifsc):
            # The same account number at another bank is another person's account: never
            # pay it into the account that number has here.
            raise ValidationError(f"this beneficiary banks elsewhere (IFSC {payee.ifsc}); "
                                  "payments to other banks are not available yet",
                                  field="beneficiary_id", reason="other_bank")
        return attrs.evolve(command, to_account_number=payee.account_number)

    def execute(self, command: TransferCommand) -> PostingResult:
        # Every account this bank pays into is its own: no transfer here travels interbank.
        check_transfer_channel(command.channel, command.amount, interbank=False)
        if command.beneficiary_id is not None:
            with self._uow_factory() as uow:
                command = self._payee(uow, command)
        result = self._poster.post(_request(command), _authorizer(command),
                                   screen=_Screening(self._screen, command))
        if result.transfer.status is TransferStatus.BLOCKED:  # recorded, then refused
            raise TransferBlocked("this transfer was refused by the bank's fraud checks",
                                  transfer_id=str(result.transfer.id))
        return result

    def execute_in(self, uow: UnitOfWork, command: TransferCommand) -> PostingResult:
        """The same transfer inside the caller's unit of work, which commits: what it depends
        on (a standing order not cancelled meanwhile) is checked under the caller's locks. A
        refused transfer is returned BLOCKED, not raised, so its record commits with the rest."""
        check_transfer_channel(command.channel, command.amount, interbank=False)
        command = self._payee(uow, command)
        return self._poster.post_in(uow, _request(command), _authorizer(command),
                                    screen=_Screening(self._screen, command))


def _request(command: TransferCommand) -> PostingRequest:
    return PostingRequest(
        kind=TransferKind.TRANSFER, from_account_number=command.from_account_number,
        to_account_number=command.to_account_number, amount=command.amount,
        channel=command.channel, description=command.description,
        idempotency_key=command.idempotency_key,
        idempotency_scope=f"customer:{command.customer_id}", initiated_by=command.customer_id,
        context=command.context, reference=command.reference, metadata=command.metadata,
    )


def _authorizer(command: TransferCommand) -> Authorizer:
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
    return authorize


@attrs.frozen
class _Screening:
    """The fraud screen of one transfer command (postings.Screen)."""

    screen: FraudScreen
    command: TransferCommand

    def prepare(self, uow: UnitOfWork) -> Assessor:
        # The payer is the command's customer (authorize refuses anyone else's account).
        command, screen = self.command, self.screen
        facts = screen.ask_facts(uow, command.customer_id, command.to_account_number,
                                 command.context)

        def assess(source: Account, destination: Account) -> Screening:
            return screen.assess(uow, source, destination, command.amount, command.channel,
                                 command.context, facts())
        return assess
