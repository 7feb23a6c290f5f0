"""Repositories of money: customers, accounts, transfers, the ledger, the audit trail and the fraud
profiles; and what a repository may raise or answer later."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID

from domain.account import Account
from domain.audit import AuditEvent, AuditHead
from domain.customer import Customer, KycStatus
from domain.fraud import StoredAssessment
from domain.fraud_profile import CounterpartyProfile, CustomerProfile
from domain.ledger import LedgerEntry
from domain.transfer import Transfer, TransferKind, TransferQuery, TransferStatus

_T = TypeVar("_T")
# A read asked now and answered when called, inside the same transaction: what is asked but
# never wanted need never be read.
Later = Callable[[], _T]


class DuplicateIdempotencyKey(Exception):
    """Another transaction already used the key (a race): raised by the repository, or by the
    unit of work when the row travels with a later statement or the commit."""


class DuplicateCustomer(Exception):
    """Raised by a repository when the email, phone or number is already taken (a race)."""


class CustomerRepository(Protocol):
    """Customers by id, number, email or phone."""

    def add(self, customer: Customer) -> None: ...
    def update(self, customer: Customer) -> None:
        """Raises DuplicateCustomer when its email or phone is another customer's."""
    def get(self, customer_id: UUID) -> Customer | None: ...
    def lock(self, customer_id: UUID) -> Customer | None:
        """`get`, held until the transaction ends: for a change that counts (wrong PINs)."""
        ...
    def by_number(self, customer_number: str) -> Customer | None: ...
    def by_email_or_phone(self, email: str, phone_number: str) -> Customer | None: ...
    def staff(self) -> list[Customer]:
        """Everyone whose role is not `customer`, by name."""
    def search(self, text: str, limit: int) -> list[Customer]:
        """Staff's search: the customer with this number, email (any case) or phone, and
        those whose first or last name begins with `text` (any case), by name."""


class AccountRepository(Protocol):
    """Accounts; `lock` takes write locks in one fixed order so transfers cannot deadlock."""

    def add(self, account: Account) -> None: ...
    def update(self, account: Account) -> None: ...
    def by_number(self, account_number: str) -> Account | None: ...
    def lock(self, account_numbers: Sequence[str]) -> dict[str, Account]: ...
    def of_customer(self, customer_id: UUID) -> list[Account]: ...
    def internal(self, currency: str) -> Account | None: ...
    def all(self) -> Iterator[Account]: ...
    def set_kyc(self, customer_id: UUID, kyc: KycStatus) -> None:
        """Every account of the customer takes their new KYC tier."""


class TransferRepository(Protocol):
    """Transfers, found again by their idempotency key."""

    def add(self, transfer: Transfer) -> None: ...
    def get(self, transfer_id: UUID) -> Transfer | None: ...
    def by_idempotency_key(self, scope: str, key: str) -> Transfer | None: ...
    def statuses(self) -> Iterator[tuple[UUID, TransferStatus]]:
        """Every transfer's status, in the order of its id (streamed, not held in memory)."""
    def update(self, transfer: Transfer) -> None: ...
    def lock(self, transfer_id: UUID) -> Transfer | None: ...
    def holding(self, *, expired_by: datetime | None = None,
                status: TransferStatus | None = None, limit: int = 100) -> list[Transfer]: ...
    def held_totals(self) -> dict[UUID, int]: ...
    def search(self, query: TransferQuery) -> list[Transfer]:
        """Transfers matching `query`, newest first (created_at, then id), after its cursor."""


class LedgerRepository(Protocol):
    """Ledger entries; append-only, ordered per account by `sequence`. An account's entries are
    posted in time order too (the clock is read with the account locked), so a date range of
    one account is a run of its sequence: statements find their edges by index seeks."""

    def append(self, entries: Sequence[LedgerEntry]) -> None: ...
    def page(
        self, account_id: UUID, *, before: int | None, limit: int,
        since: datetime | None = None, until: datetime | None = None,
    ) -> list[LedgerEntry]: ...
    def in_range(self, account_id: UUID, since: datetime, until: datetime, *,
                 after: LedgerEntry | None, limit: int) -> list[LedgerEntry]:
        """Up to `limit` entries posted in [since, until), in posting order, after `after`."""
    def last_before(self, account_id: UUID, moment: datetime) -> LedgerEntry | None:
        """The account's last entry posted before `moment` (its balance opens the range)."""
    def all_in_order(self) -> Iterator[LedgerEntry]: ...
    def by_transfer(self) -> Iterator[LedgerEntry]:
        """Every entry, in the order of its transfer's id (streamed, not held in memory)."""
    def for_transfer(self, transfer_id: UUID) -> list[LedgerEntry]: ...
    def debited_since(self, account_id: UUID, since: datetime,
                      kinds: Collection[TransferKind]) -> int:
        """What the account paid out since then in transfers of these kinds, in minor units
        (an index range, each debit's transfer found by its key)."""


class AuditRepository(Protocol):
    """The hash-chained audit trail; `append` places the event after the current head, as the
    unit of work commits (sealed then, so the chain's head is the last lock a writer takes)."""

    def append(self, event: AuditEvent) -> None: ...
    def page(self, *, before: int | None, limit: int) -> list[AuditEvent]: ...
    def all_in_order(self) -> Iterator[AuditEvent]: ...
    def recorded(self, actions: Collection[str]) -> Iterator[AuditEvent]:
        """Every record of one of `actions`, in the order of its resource, then of its
        sequence (streamed): how an auditor matches records to what they name."""
    def head(self) -> AuditHead:
        """Where the committed chain ends, as kept apart from the records (`audit_head`)."""
    def ask_recent_actions(self, customer_id: UUID, since: datetime,
                           actions: Collection[str]) -> Later[list[str]]:
        """Which of `actions` the customer's events since then hold (`Later`)."""
    def about(self, customer_id: UUID, *, after: int | None, limit: int) -> list[AuditEvent]:
        """Up to `limit` of the events about the customer, oldest first, after the sequence
        `after` (a data export reads them a page at a time)."""
    def announced(self, actions: Collection[str], *, after: int | None, limit: int,
                  customer_id: UUID | None = None) -> list[AuditEvent]:
        """Up to `limit` records of `actions`, oldest first, after the sequence `after`; only
        those about the customer when one is named (domain/events.py: the event feeds)."""


class FraudRepository(Protocol):
    """Behaviour profiles (updated as transfers post), assessments and operators' labels."""

    def profiles(self, customer_id: UUID, counterparty: str
                 ) -> tuple[CustomerProfile | None, CounterpartyProfile | None]:
        """The payer's and the payee's profiles at once (one trip to the database)."""
        ...
    def customer_profile(self, customer_id: UUID) -> CustomerProfile | None: ...
    def save_customer_profile(self, profile: CustomerProfile) -> None: ...
    def counterparty_profile(self, key: str) -> CounterpartyProfile | None: ...
    def save_counterparty_profile(self, profile: CounterpartyProfile) -> None: ...
    def add_assessment(self, stored: StoredAssessment) -> None: ...
    def assessment(self, transfer_id: UUID) -> StoredAssessment | None: ...
