"""See accounts and balances: a customer sees only their own."""

from __future__ import annotations

from uuid import UUID

from application.ownership import owned
from application.ports import UnitOfWork, UnitOfWorkFactory
from domain.account import Account
from domain.branch import Branch
from domain.errors import AccountNotFound


def owned_account(uow: UnitOfWork, customer_id: UUID | None, account_number: str) -> Account:
    """The account when it exists and (for a customer) is theirs; otherwise not found, never
    forbidden, so account numbers cannot be probed. `customer_id=None` is an operator."""
    return owned(uow.accounts.by_number(account_number), customer_id,
                 AccountNotFound(f"account {account_number} not found",
                                 account_number=account_number))


class ListAccounts:
    """The customer's accounts with their balances."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, customer_id: UUID) -> list[Account]:
        with self._uow_factory() as uow:
            return uow.accounts.of_customer(customer_id)


class GetBalance:
    """One account's ledger and available balance."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, customer_id: UUID | None, account_number: str) -> Account:
        with self._uow_factory() as uow:
            return owned_account(uow, customer_id, account_number)


class ListBranches:
    """The bank's branches (reference data)."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self) -> dict[str, Branch]:
        with self._uow_factory() as uow:
            return {b.code: b for b in uow.branches.all()}
