"""Money repositories over the memory store: accounts, transfers and the ledger. Reads see
committed state plus this transaction's staged changes; writes are staged until commit."""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from uuid import UUID

from adapters.memory.staged import Staged
from adapters.memory.store import MemoryStore
from application.ports import DuplicateIdempotencyKey
from domain.account import Account, AccountType
from domain.customer import KycStatus
from domain.errors import ReferenceTaken
from domain.ledger import EntryType, LedgerEntry
from domain.transfer import Transfer, TransferKind, TransferQuery, TransferStatus


class MemoryAccounts:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def _find(self, account_number: str) -> Account | None:
        for account in self._staged.accounts.values():
            if account.account_number == account_number:
                return copy.copy(account)
        with self._store.state:
            account_id = self._store.account_ids.get(account_number)
            found = self._store.accounts.get(account_id) if account_id else None
        return copy.copy(found) if found else None

    def add(self, account: Account) -> None:
        if self._find(account.account_number) is not None:
            raise ValueError(f"account number {account.account_number} is taken")
        self._staged.accounts[account.id] = copy.copy(account)

    def update(self, account: Account) -> None:
        self._staged.accounts[account.id] = copy.copy(account)

    def by_number(self, account_number: str) -> Account | None:
        return self._find(account_number)

    def lock(self, account_numbers: Sequence[str]) -> dict[str, Account]:
        # The writer lock is already held for the whole transaction.
        found = (self._find(n) for n in sorted(set(account_numbers)))
        return {a.account_number: a for a in found if a is not None}

    def of_customer(self, customer_id: UUID) -> list[Account]:
        return sorted((a for a in self.all() if a.customer_id == customer_id),
                      key=lambda a: a.opened_at)

    def set_kyc(self, customer_id: UUID, kyc: KycStatus) -> None:
        for account in self.of_customer(customer_id):
            account.kyc = kyc
            self._staged.accounts[account.id] = account

    def internal(self, currency: str) -> Account | None:
        return next((a for a in self.all()
                     if a.account_type is AccountType.INTERNAL and a.currency == currency), None)

    def all(self) -> Iterator[Account]:
        with self._store.state:
            merged = {**self._store.accounts, **self._staged.accounts}
        return (copy.copy(a) for a in merged.values())


_NOTHING_MOVED = (TransferStatus.BLOCKED, TransferStatus.VOIDED)


def holds_reference(transfer: Transfer) -> bool:
    """A client's reference names the payment that moved or holds money: one the fraud checks
    blocked, or a hold given back, leaves it to the corrected payment (the SQL index's rule,
    adapters/sql/ledger_tables.py)."""
    return transfer.reference is not None and transfer.status not in _NOTHING_MOVED


class MemoryTransfers:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def add(self, transfer: Transfer) -> None:
        if transfer.idempotency_key is not None:
            assert transfer.idempotency_scope is not None
            found = self.by_idempotency_key(transfer.idempotency_scope, transfer.idempotency_key)
            if found is not None and found.id != transfer.id:
                raise DuplicateIdempotencyKey(transfer.idempotency_key)
        if holds_reference(transfer) and self._reference_taken(transfer):
            raise ReferenceTaken("this reference names another of your transfers")
        self._staged.transfers[transfer.id] = transfer

    def _reference_taken(self, transfer: Transfer) -> bool:
        named = (transfer.customer_id, transfer.reference or "")
        with self._store.state:
            holder = self._store.transfer_references.get(named)
        held = self.get(holder) if holder is not None else None  # as this transaction sees it
        return any(t.id != transfer.id and holds_reference(t)
                   and (t.customer_id, t.reference) == named
                   for t in (held, *self._staged.transfers.values()) if t is not None)

    def get(self, transfer_id: UUID) -> Transfer | None:
        return self._staged.transfers.get(transfer_id) or self._store.transfers.get(transfer_id)

    def by_idempotency_key(self, scope: str, key: str) -> Transfer | None:
        for transfer in self._staged.transfers.values():
            if (transfer.idempotency_scope, transfer.idempotency_key) == (scope, key):
                return transfer
        with self._store.state:
            transfer_id = self._store.transfer_keys.get((scope, key))
            return self._store.transfers.get(transfer_id) if transfer_id else None

    def statuses(self) -> Iterator[tuple[UUID, TransferStatus]]:
        return iter(sorted((t.id, t.status) for t in self._all()))

    def update(self, transfer: Transfer) -> None:
        self._staged.transfers[transfer.id] = transfer

    lock = get  # the writer lock already serialises writers

    def _all(self) -> list[Transfer]:
        with self._store.state:
            return list({**self._store.transfers, **self._staged.transfers}.values())

    def holding(self, *, expired_by: datetime | None = None,
                status: TransferStatus | None = None, limit: int = 100) -> list[Transfer]:
        found = [t for t in self._all()
                 if (t.status is status if status else t.status.holds_funds)
                 and (expired_by is None or (t.hold_expires_at is not None
                                             and t.hold_expires_at <= expired_by))]
        return sorted(found, key=lambda t: t.created_at)[:limit]

    def search(self, query: TransferQuery) -> list[Transfer]:
        found = [t for t in self._all() if query.matches(t)]
        return sorted(found, key=lambda t: (t.created_at, t.id), reverse=True)[:query.limit]

    def held_totals(self) -> dict[UUID, int]:
        totals: dict[UUID, int] = {}
        for t in self._all():
            if t.status.holds_funds:
                totals[t.from_account_id] = totals.get(t.from_account_id, 0) + t.amount.minor
        return totals


class MemoryLedger:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def append(self, entries: Sequence[LedgerEntry]) -> None:
        self._staged.entries.extend(entries)

    def _of(self, account_id: UUID) -> list[LedgerEntry]:
        with self._store.state:
            committed = list(self._store.entries_by_account.get(account_id, ()))
        return committed + [e for e in self._staged.entries if e.account_id == account_id]

    def page(self, account_id: UUID, *, before: int | None, limit: int,
             since: datetime | None = None, until: datetime | None = None) -> list[LedgerEntry]:
        rows = [e for e in reversed(self._of(account_id))
                if (before is None or e.sequence < before)
                and (since is None or e.posted_at >= since)
                and (until is None or e.posted_at < until)]
        return rows[:limit]

    def in_range(self, account_id: UUID, since: datetime, until: datetime, *,
                 after: LedgerEntry | None, limit: int) -> list[LedgerEntry]:
        rows = [e for e in self._of(account_id) if since <= e.posted_at < until
                and (after is None or (e.posted_at, e.sequence) > (after.posted_at, after.sequence))]
        return sorted(rows, key=lambda e: (e.posted_at, e.sequence))[:limit]

    def last_before(self, account_id: UUID, moment: datetime) -> LedgerEntry | None:
        earlier = [e for e in self._of(account_id) if e.posted_at < moment]
        return max(earlier, key=lambda e: (e.posted_at, e.sequence), default=None)

    def all_in_order(self) -> Iterator[LedgerEntry]:
        with self._store.state:
            committed = list(self._store.entries)
        return iter(sorted(committed + self._staged.entries, key=lambda e: e.sequence))

    def by_transfer(self) -> Iterator[LedgerEntry]:
        return iter(sorted(self.all_in_order(), key=lambda e: (e.transfer_id, e.entry_type.value)))

    def debited_since(self, account_id: UUID, since: datetime,
                      kinds: Collection[TransferKind]) -> int:
        debits = [e for e in self._of(account_id)
                  if e.entry_type is EntryType.DEBIT and e.posted_at >= since]
        with self._store.state:
            kind = {e.transfer_id: (self._staged.transfers.get(e.transfer_id)
                                    or self._store.transfers[e.transfer_id]).kind for e in debits}
        return sum(e.amount.minor for e in debits if kind[e.transfer_id] in kinds)

    def for_transfer(self, transfer_id: UUID) -> list[LedgerEntry]:
        with self._store.state:
            committed = [e for e in self._store.entries if e.transfer_id == transfer_id]
        return committed + [e for e in self._staged.entries if e.transfer_id == transfer_id]
