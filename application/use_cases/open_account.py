"""Open a savings or current account for a customer, with an optional opening deposit."""

from __future__ import annotations

from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import SYSTEM, RequestContext
from application.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory
from application.use_cases.cash import CashCommand, Deposit
from domain.account import Account, AccountStatus, AccountType
from domain.errors import CustomerNotFound, ValidationError
from domain.kyc import KycLimits
from domain.ledger import Channel
from domain.money import MINOR_DIGITS, Money


@attrs.frozen
class OpenAccountCommand:
    customer_number: str
    account_type: AccountType
    currency: str = "INR"
    opening_deposit: Money | None = None
    context: RequestContext = SYSTEM
    branch_code: str | None = None
    customer_id: UUID | None = None  # the customer opening it themselves (instead of a number)


class OpenAccount:
    """Open an account (within the owner's KYC tier); the opening deposit is posted in the same
    transaction."""

    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 deposit: Deposit, audit: AuditRecorder, kyc: KycLimits) -> None:
        self._uow_factory = uow_factory
        self._kyc = kyc
        self._ids = ids
        self._clock = clock
        self._deposit = deposit
        self._audit = audit

    def execute(self, command: OpenAccountCommand) -> Account:
        if command.account_type is AccountType.INTERNAL:
            raise ValidationError("internal accounts are the bank's own", field="type")
        if command.currency not in MINOR_DIGITS:
            raise ValidationError(f"unknown currency {command.currency!r}", field="currency")
        with self._uow_factory(write=True) as uow:
            customer = uow.customers.get(command.customer_id) if command.customer_id \
                else uow.customers.by_number(command.customer_number)
            if customer is None:
                raise CustomerNotFound(f"customer {command.customer_number} not found",
                                       customer_number=command.customer_number)
            open_accounts = [a for a in uow.accounts.of_customer(customer.id)
                             if a.status is not AccountStatus.CLOSED]
            self._kyc.check_opening(customer.kyc_status, command.account_type, command.currency,
                                    len(open_accounts))
            if command.branch_code is not None and command.branch_code not in {
                    b.code for b in uow.branches.all()}:
                raise ValidationError(f"unknown branch {command.branch_code!r}", field="branch")
            account = Account(
                id=self._ids.new_id(), account_number=self._unused_number(uow),
                customer_id=customer.id, account_type=command.account_type,
                currency=command.currency, opened_at=self._clock.now(),
                branch_code=command.branch_code, kyc=customer.kyc_status,
            )
            uow.accounts.add(account)
            uow.audit.append(self._audit.event(
                command.context, "account.opened", customer_id=customer.id,
                resource=f"account:{account.account_number}", type=account.account_type.value,
                currency=account.currency))
            if command.opening_deposit is not None:
                self._deposit.execute(CashCommand(account.account_number, command.opening_deposit,
                                                  Channel.BRANCH, "Opening deposit",
                                                  context=command.context), uow)
                account = uow.accounts.by_number(account.account_number) or account
            uow.commit()
            return account

    def _unused_number(self, uow: UnitOfWork) -> str:
        for _ in range(20):
            number = self._ids.new_account_number()
            if uow.accounts.by_number(number) is None:
                return number
        raise RuntimeError("could not find a free account number")
