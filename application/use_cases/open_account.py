"""Open a savings or current account for a customer, with an optional opening deposit."""

from __future__ import annotations

from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import SYSTEM, RequestContext
from application.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory
from application.use_cases.cash import CashCommand, Deposit
from domain.account import Account, AccountStatus, AccountType
from domain.customer import Customer
from domain.errors import AccountFrozen, CustomerNotFound, ValidationError
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
            found = uow.customers.get(command.customer_id) if command.customer_id \
                else uow.customers.by_number(command.customer_number)
            if found is None:
                raise CustomerNotFound(f"customer {command.customer_number} not found",
                                       customer_number=command.customer_number)
            self._may_open(uow, found, command)  # refused without waiting for the lock
            # What counts is read again with the customer's row locked: two openings at once
            # take turns, so the second counts the first's account, and a change of tier
            # committed meanwhile (which updates this row) is the tier the account carries.
            customer = uow.customers.lock(found.id)
            if customer is None:
                raise CustomerNotFound(f"customer {found.customer_number} not found",
                                       customer_number=found.customer_number)
            self._may_open(uow, customer, command)
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

    def _may_open(self, uow: UnitOfWork, customer: Customer, command: OpenAccountCommand
                  ) -> None:
        """A customer the bank has frozen (any account of theirs frozen) opens nothing: a new,
        active account would move the money the freeze stops, and only an operator's unfreeze
        (itself checked by a second operator) ends a freeze. Then the tier's limits."""
        open_accounts = [a for a in uow.accounts.of_customer(customer.id)
                         if a.status is not AccountStatus.CLOSED]
        frozen = [a.account_number for a in open_accounts if a.status is AccountStatus.FROZEN]
        if frozen:
            raise AccountFrozen(f"customer {customer.customer_number} has frozen accounts: no "
                                "account can be opened until the bank unfreezes them",
                                customer_number=customer.customer_number,
                                account_number=frozen[0])
        self._kyc.check_opening(customer.kyc_status, command.account_type, command.currency,
                                len(open_accounts))

    def _unused_number(self, uow: UnitOfWork) -> str:
        for _ in range(20):
            number = self._ids.new_account_number()
            if uow.accounts.by_number(number) is None:
                return number
        raise RuntimeError("could not find a free account number")
