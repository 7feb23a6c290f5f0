"""Repositories in SQLAlchemy Core: one statement per call, no ORM identity map."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql import mapping as m
from adapters.sql.prepared import Prepared
from adapters.sql.tables import accounts, customers, ledger_entries, transfers
from adapters.sql.transfer_search import search_query
from application.ports import DuplicateCustomer, DuplicateIdempotencyKey
from domain.account import Account, AccountType
from domain.customer import Customer, KycStatus, Role
from domain.ledger import EntryType, LedgerEntry
from domain.transfer import Transfer, TransferKind, TransferQuery, TransferStatus

_STREAM = {"yield_per": 1000}

# The statements of the transfer path are prepared once (see adapters/sql/prepared.py):
# building and executing a Core expression per call costs more than the database takes.
_ACCOUNT_BY_NUMBER = Prepared(sa.select(accounts).where(
    accounts.c.account_number == sa.bindparam("number")))
_UPDATE_ACCOUNT = Prepared(accounts.update().where(
    accounts.c.id == sa.bindparam("account_id")).values(
    status=sa.bindparam("new_status"), balance=sa.bindparam("new_balance"),
    held=sa.bindparam("new_held")))
_TRANSFER_BY_KEY = Prepared(sa.select(transfers).where(
    transfers.c.idempotency_scope == sa.bindparam("scope"),
    transfers.c.idempotency_key == sa.bindparam("key")))
_INSERT_TRANSFER = Prepared(transfers.insert(), column_keys=list(transfers.c.keys()))
_INSERT_ENTRY = Prepared(ledger_entries.insert(), column_keys=[
    c.key for c in ledger_entries.c if c.key != "sequence"])


def _accounts_in(count: int, lock: bool) -> Prepared:
    query = sa.select(accounts).where(
        accounts.c.account_number.in_([sa.bindparam(f"n{i}") for i in range(count)]))
    # Rows are locked in id order by every transaction alike, so two transfers between the
    # same accounts in opposite directions queue instead of deadlocking.
    return Prepared(query.order_by(accounts.c.id).with_for_update() if lock else query)


# A posting locks one or two accounts.
_ACCOUNTS_IN = {(n, lock): _accounts_in(n, lock) for n in (1, 2) for lock in (False, True)}


class SqlCustomers:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, customer: Customer) -> None:
        try:
            self._conn.execute(customers.insert(), m.customer_row(customer))
        except sa.exc.IntegrityError as error:
            raise DuplicateCustomer(customer.customer_number) from error

    def update(self, customer: Customer) -> None:
        row = m.customer_row(customer)
        try:
            self._conn.execute(customers.update().where(customers.c.id == customer.id), row)
        except sa.exc.IntegrityError as error:  # a new email or phone another took meanwhile
            raise DuplicateCustomer(customer.customer_number) from error

    def _one(self, condition: sa.ColumnElement[bool], lock: bool = False) -> Customer | None:
        query = sa.select(customers).where(condition).limit(1)
        if lock and self._conn.dialect.name == "postgresql":  # SQLite: the writer has it all
            query = query.with_for_update()
        row = self._conn.execute(query).first()
        return m.to_customer(row) if row else None

    def get(self, customer_id: UUID) -> Customer | None:
        return self._one(customers.c.id == customer_id)

    def lock(self, customer_id: UUID) -> Customer | None:
        return self._one(customers.c.id == customer_id, lock=True)

    def by_number(self, customer_number: str) -> Customer | None:
        return self._one(customers.c.customer_number == customer_number)

    def by_email_or_phone(self, email: str, phone_number: str) -> Customer | None:
        return self._one(sa.or_(customers.c.email == email,
                                customers.c.phone_number == phone_number))

    def staff(self) -> list[Customer]:
        c = customers.c
        query = sa.select(customers).where(c.role != Role.CUSTOMER.value) \
            .order_by(c.last_name, c.first_name, c.customer_number)
        return [m.to_customer(r) for r in self._conn.execute(query)]

    def search(self, text: str, limit: int) -> list[Customer]:
        c = customers.c
        prefix = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = sa.select(customers).where(sa.or_(
            c.customer_number == text, sa.func.lower(c.email) == text.lower(),
            c.phone_number == text, sa.func.lower(c.first_name).like(prefix, escape="\\"),
            sa.func.lower(c.last_name).like(prefix, escape="\\"))) \
            .order_by(c.last_name, c.first_name, c.customer_number).limit(limit)
        return [m.to_customer(r) for r in self._conn.execute(query)]


class SqlAccounts:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock_rows = conn.dialect.name == "postgresql"

    def add(self, account: Account) -> None:
        self._conn.execute(accounts.insert(), m.account_row(account))

    def update(self, account: Account) -> None:
        _UPDATE_ACCOUNT.defer(self._conn, {
            "account_id": account.id, "new_status": account.status.value,
            "new_balance": account.balance.minor, "new_held": account.held.minor})

    def by_number(self, account_number: str) -> Account | None:
        row = _ACCOUNT_BY_NUMBER.first(self._conn, {"number": account_number})
        return m.to_account(row) if row else None

    def lock(self, account_numbers: Sequence[str]) -> dict[str, Account]:
        # On SQLite the whole database is already ours: the transaction began IMMEDIATE.
        numbers = sorted(set(account_numbers))
        prepared = _ACCOUNTS_IN.get((len(numbers), self._lock_rows)) or \
            _accounts_in(len(numbers), self._lock_rows)
        rows = prepared.all(self._conn, {f"n{i}": n for i, n in enumerate(numbers)})
        return {r.account_number: m.to_account(r) for r in rows}

    def set_kyc(self, customer_id: UUID, kyc: KycStatus) -> None:
        self._conn.execute(accounts.update().where(accounts.c.customer_id == customer_id),
                           {"kyc": kyc.value})

    def of_customer(self, customer_id: UUID) -> list[Account]:
        query = sa.select(accounts).where(accounts.c.customer_id == customer_id) \
            .order_by(accounts.c.opened_at, accounts.c.account_number)
        return [m.to_account(r) for r in self._conn.execute(query)]

    def internal(self, currency: str) -> Account | None:
        row = self._conn.execute(sa.select(accounts).where(
            accounts.c.account_type == AccountType.INTERNAL.value,
            accounts.c.currency == currency).limit(1)).first()
        return m.to_account(row) if row else None

    def all(self) -> Iterator[Account]:
        query = sa.select(accounts).order_by(accounts.c.account_number)
        return (m.to_account(r) for r in self._conn.execute(query))


def key_taken(error: BaseException) -> bool:
    """The write failed because another transaction stored the same idempotency key first."""
    return isinstance(error, sa.exc.IntegrityError) and "idempotency" in str(error.orig)


def reference_taken(error: BaseException) -> bool:
    """The write failed because the customer's reference names another transfer."""
    return isinstance(error, sa.exc.IntegrityError) and (
        "customer_reference" in str(error.orig) or "transfers.reference" in str(error.orig))


class SqlTransfers:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, transfer: Transfer) -> None:
        # On PostgreSQL it travels with the transaction's next statement or its COMMIT (one
        # round trip less): a key another transaction took first is found there, and the
        # unit of work reports it as DuplicateIdempotencyKey (`key_taken`). SQLite writes it
        # at once.
        try:
            _INSERT_TRANSFER.defer(self._conn, m.transfer_row(transfer))
        except sa.exc.IntegrityError as error:
            if key_taken(error):
                raise DuplicateIdempotencyKey(transfer.idempotency_key) from error
            raise

    def get(self, transfer_id: UUID) -> Transfer | None:
        row = self._conn.execute(sa.select(transfers).where(transfers.c.id == transfer_id)).first()
        return m.to_transfer(row) if row else None

    def by_idempotency_key(self, scope: str, key: str) -> Transfer | None:
        row = _TRANSFER_BY_KEY.first(self._conn, {"scope": scope, "key": key})
        return m.to_transfer(row) if row else None

    def statuses(self) -> Iterator[tuple[UUID, TransferStatus]]:
        rows = self._conn.execute(sa.select(transfers.c.id, transfers.c.status)
                                  .order_by(transfers.c.id).execution_options(**_STREAM))
        return ((transfer_id, TransferStatus(status)) for transfer_id, status in rows)

    def update(self, transfer: Transfer) -> None:
        self._conn.execute(transfers.update().where(transfers.c.id == transfer.id), {
            "status": transfer.status.value, "hold_expires_at": transfer.hold_expires_at,
            "void_reason": transfer.void_reason, "posted_at": transfer.posted_at})

    def lock(self, transfer_id: UUID) -> Transfer | None:
        query = sa.select(transfers).where(transfers.c.id == transfer_id)
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update()  # one decision per held transfer, never two
        row = self._conn.execute(query).first()
        return m.to_transfer(row) if row else None

    def holding(self, *, expired_by: datetime | None = None,
                status: TransferStatus | None = None, limit: int = 100) -> list[Transfer]:
        held = [s.value for s in TransferStatus if s.holds_funds]
        query = sa.select(transfers).where(
            transfers.c.status.in_([status.value] if status else held))
        if expired_by is not None:
            query = query.where(transfers.c.hold_expires_at <= expired_by)
        query = query.order_by(transfers.c.created_at).limit(limit)
        return [m.to_transfer(r) for r in self._conn.execute(query)]

    def search(self, query: TransferQuery) -> list[Transfer]:
        return [m.to_transfer(r) for r in self._conn.execute(search_query(query))]

    def held_totals(self) -> dict[UUID, int]:
        held = [s.value for s in TransferStatus if s.holds_funds]
        query = sa.select(transfers.c.from_account_id, sa.func.sum(transfers.c.amount)) \
            .where(transfers.c.status.in_(held)).group_by(transfers.c.from_account_id)
        return {account: int(total) for account, total in self._conn.execute(query)}


class SqlLedger:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def append(self, entries: Sequence[LedgerEntry]) -> None:
        _INSERT_ENTRY.defer_many(self._conn, [m.entry_row(e) for e in entries])

    def page(self, account_id: UUID, *, before: int | None, limit: int,
             since: datetime | None = None, until: datetime | None = None) -> list[LedgerEntry]:
        c = ledger_entries.c
        query = sa.select(ledger_entries).where(c.account_id == account_id)
        if before is not None:
            query = query.where(c.sequence < before)
        if since is not None:
            query = query.where(c.posted_at >= since)
        if until is not None:
            query = query.where(c.posted_at < until)
        query = query.order_by(c.sequence.desc()).limit(limit)
        return [m.to_entry(r) for r in self._conn.execute(query)]

    def in_range(self, account_id: UUID, since: datetime, until: datetime, *,
                 after: LedgerEntry | None, limit: int) -> list[LedgerEntry]:
        # Keyed on (posted_at, sequence), the order of ix_ledger_entries_account_posted: one
        # index seek to the range (or past `after`), however long the history before it.
        c = ledger_entries.c
        query = sa.select(ledger_entries).where(c.account_id == account_id, c.posted_at < until)
        if after is None:
            query = query.where(c.posted_at >= since)
        else:
            query = query.where(c.posted_at >= after.posted_at, sa.or_(
                c.posted_at > after.posted_at, c.sequence > after.sequence))
        query = query.order_by(c.posted_at, c.sequence).limit(limit)
        return [m.to_entry(r) for r in self._conn.execute(query)]

    def last_before(self, account_id: UUID, moment: datetime) -> LedgerEntry | None:
        c = ledger_entries.c
        row = self._conn.execute(sa.select(ledger_entries).where(
            c.account_id == account_id, c.posted_at < moment,
        ).order_by(c.posted_at.desc(), c.sequence.desc()).limit(1)).first()
        return m.to_entry(row) if row else None

    def all_in_order(self) -> Iterator[LedgerEntry]:
        query = sa.select(ledger_entries).order_by(ledger_entries.c.sequence) \
            .execution_options(**_STREAM)
        return (m.to_entry(r) for r in self._conn.execute(query))

    def by_transfer(self) -> Iterator[LedgerEntry]:
        c = ledger_entries.c  # uq_ledger_entries_leg leads with transfer_id: no sort
        query = sa.select(ledger_entries).order_by(c.transfer_id, c.entry_type) \
            .execution_options(**_STREAM)
        return (m.to_entry(r) for r in self._conn.execute(query))

    def for_transfer(self, transfer_id: UUID) -> list[LedgerEntry]:
        query = sa.select(ledger_entries).where(ledger_entries.c.transfer_id == transfer_id) \
            .order_by(ledger_entries.c.sequence)
        return [m.to_entry(r) for r in self._conn.execute(query)]

    def debited_since(self, account_id: UUID, since: datetime,
                      kinds: Collection[TransferKind]) -> int:
        c = ledger_entries.c
        paid = ledger_entries.join(transfers, transfers.c.id == c.transfer_id)
        return int(self._conn.execute(sa.select(sa.func.coalesce(sa.func.sum(c.amount), 0))
                                      .select_from(paid).where(
            c.account_id == account_id, c.posted_at >= since,
            c.entry_type == EntryType.DEBIT.value,
            transfers.c.kind.in_([k.value for k in kinds]))).scalar_one())
