"""See accounts and balances: a customer sees only their own."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from application.ownership import owned
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
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
    """The bank's branches: reference data that changes with a migration or a seed, shown with
    every account. Read at most once a minute per process instead of on every request."""

    FRESH_FOR = timedelta(minutes=1)

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._cached: tuple[datetime, dict[str, Branch]] | None = None

    def execute(self) -> dict[str, Branch]:
        now = self._clock.now()
        if self._cached is not None and now - self._cached[0] < self.FRESH_FOR:
            return dict(self._cached[1])
        with self._uow_factory() as uow:
            branches = {b.code: b for b in uow.branches.all()}
        self._cached = (now, branches)
        return dict(branches)
