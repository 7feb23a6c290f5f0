"""Ports: what the use cases need from the outside world, as typing.Protocol."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

import attrs

from domain.account import Account
from domain.customer import Customer, Role
from domain.ledger import LedgerEntry
from domain.transfer import Transfer


class DuplicateIdempotencyKey(Exception):
    """Raised by a repository when another transaction already used the key (a race)."""


class DuplicateCustomer(Exception):
    """Raised by a repository when the email, phone or number is already taken (a race)."""


class CustomerRepository(Protocol):
    """Customers by id, number, email or phone."""

    def add(self, customer: Customer) -> None: ...
    def update(self, customer: Customer) -> None: ...
    def get(self, customer_id: UUID) -> Customer | None: ...
    def by_number(self, customer_number: str) -> Customer | None: ...
    def by_email_or_phone(self, email: str, phone_number: str) -> Customer | None: ...


class AccountRepository(Protocol):
    """Accounts; `lock` takes write locks in one fixed order so transfers cannot deadlock."""

    def add(self, account: Account) -> None: ...
    def update(self, account: Account) -> None: ...
    def by_number(self, account_number: str) -> Account | None: ...
    def lock(self, account_numbers: Sequence[str]) -> dict[str, Account]: ...
    def of_customer(self, customer_id: UUID) -> list[Account]: ...
    def internal(self, currency: str) -> Account | None: ...
    def all(self) -> Iterator[Account]: ...


class TransferRepository(Protocol):
    """Transfers, found again by their idempotency key."""

    def add(self, transfer: Transfer) -> None: ...
    def get(self, transfer_id: UUID) -> Transfer | None: ...
    def by_idempotency_key(self, scope: str, key: str) -> Transfer | None: ...
    def all_ids(self) -> Iterator[UUID]: ...


class LedgerRepository(Protocol):
    """Ledger entries; append-only, ordered per account by `sequence`."""

    def append(self, entries: Sequence[LedgerEntry]) -> None: ...
    def page(
        self, account_id: UUID, *, before: int | None, limit: int,
        since: datetime | None = None, until: datetime | None = None,
    ) -> list[LedgerEntry]: ...
    def between(self, account_id: UUID, since: datetime, until: datetime) -> Iterator[LedgerEntry]: ...
    def last_before(self, account_id: UUID, moment: datetime) -> LedgerEntry | None: ...
    def all_in_order(self) -> Iterator[LedgerEntry]: ...
    def for_transfer(self, transfer_id: UUID) -> list[LedgerEntry]: ...


class UnitOfWork(Protocol):
    """One atomic transaction: `with uow: ...; uow.commit()`; leaving without commit rolls back."""

    customers: CustomerRepository
    accounts: AccountRepository
    transfers: TransferRepository
    ledger: LedgerRepository

    def __enter__(self) -> Self: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Opens a unit of work; `write=True` takes the database's write lock up front."""

    def __call__(self, *, write: bool = False) -> UnitOfWork: ...
    def ping(self) -> bool: ...
    def close(self) -> None: ...


class Clock(Protocol):
    """The current time, timezone-aware UTC."""

    def now(self) -> datetime: ...


class IdGenerator(Protocol):
    """New identifiers: UUIDs, and the numbers the bank prints on cards and statements."""

    def new_id(self) -> UUID: ...
    def new_customer_number(self) -> str: ...
    def new_account_number(self) -> str: ...


class PasswordHasher(Protocol):
    """One-way password hashing (argon2id in production)."""

    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


@attrs.frozen
class TokenClaims:
    """What an access token says about its bearer."""

    customer_id: UUID
    roles: tuple[Role, ...]
    token_id: str
    expires_at: datetime


class TokenService(Protocol):
    """Issues and checks signed access tokens."""

    def issue(self, customer: Customer) -> tuple[str, int]: ...
    def read(self, token: str) -> TokenClaims: ...
