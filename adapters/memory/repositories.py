"""Repositories over the memory store: reads see committed state plus this transaction's
staged changes; writes are staged and reach the store only on commit."""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from uuid import UUID

import attrs

from adapters.memory.store import MemoryStore
from application.ports import DuplicateCustomer, DuplicateIdempotencyKey, Later
from domain.account import Account, AccountType
from domain.audit import AuditEvent, AuditHead, seal
from domain.beneficiary import Beneficiary
from domain.branch import Branch
from domain.card import Card
from domain.customer import Customer
from domain.device import DeviceBinding
from domain.device_key import DeviceNonce
from domain.fraud import StoredAssessment
from domain.fraud_profile import CounterpartyProfile, CustomerProfile
from domain.ledger import LedgerEntry
from domain.login_attempts import LoginAttempts
from domain.reminder import Notification, Reminder, ReminderStatus
from domain.session import RefreshToken, Session
from domain.transfer import Transfer, TransferStatus
from domain.voice import Embedding, VoiceAttempts, Voiceprint, VoiceSample


@attrs.define
class Staged:
    """What one transaction has written but not yet committed."""

    customers: dict[UUID, Customer] = attrs.Factory(dict)
    accounts: dict[UUID, Account] = attrs.Factory(dict)
    transfers: dict[UUID, Transfer] = attrs.Factory(dict)
    entries: list[LedgerEntry] = attrs.Factory(list)
    audit: list[AuditEvent] = attrs.Factory(list)
    sessions: dict[UUID, Session] = attrs.Factory(dict)
    refresh_tokens: dict[str, RefreshToken] = attrs.Factory(dict)
    login_attempts: dict[str, LoginAttempts] = attrs.Factory(dict)
    rate_limits: dict[str, tuple[datetime, int]] = attrs.Factory(dict)
    devices: dict[UUID, DeviceBinding] = attrs.Factory(dict)
    device_nonces: dict[str, DeviceNonce | None] = attrs.Factory(dict)  # None: taken
    voiceprints: dict[UUID, Voiceprint] = attrs.Factory(dict)
    voice_attempts: dict[UUID, VoiceAttempts] = attrs.Factory(dict)
    voice_samples: dict[tuple[UUID, str], tuple[VoiceSample, bool, datetime]] = attrs.Factory(dict)
    fraud_profiles: dict[tuple[str, str], object] = attrs.Factory(dict)
    assessments: dict[UUID, StoredAssessment] = attrs.Factory(dict)
    beneficiaries: dict[UUID, Beneficiary | None] = attrs.Factory(dict)  # None: deleted
    cards: dict[UUID, Card] = attrs.Factory(dict)
    reminders: dict[UUID, Reminder | None] = attrs.Factory(dict)  # None: deleted
    notifications: dict[tuple[UUID, datetime], Notification] = attrs.Factory(dict)
    branches: dict[str, Branch] = attrs.Factory(dict)

    def _parts(self) -> tuple[dict | list, ...]:  # type: ignore[type-arg]
        return (self.customers, self.accounts, self.transfers, self.entries, self.audit,
                self.sessions, self.refresh_tokens, self.login_attempts, self.rate_limits,
                self.devices, self.device_nonces, self.voiceprints, self.voice_attempts, self.voice_samples,
                self.fraud_profiles, self.assessments, self.beneficiaries, self.cards,
                self.reminders, self.notifications, self.branches)

    def clear(self) -> None:
        for part in self._parts():
            part.clear()

    def empty(self) -> bool:
        return not any(self._parts())


class MemoryCustomers:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def _all(self) -> list[Customer]:
        with self._store.state:
            merged = {**self._store.customers, **self._staged.customers}
        return list(merged.values())

    def add(self, customer: Customer) -> None:
        for other in self._all():
            if customer.customer_number == other.customer_number or \
                    customer.email == other.email or customer.phone_number == other.phone_number:
                raise DuplicateCustomer(customer.customer_number)
        self._staged.customers[customer.id] = copy.copy(customer)

    def update(self, customer: Customer) -> None:
        self._staged.customers[customer.id] = copy.copy(customer)

    def get(self, customer_id: UUID) -> Customer | None:
        found = self._staged.customers.get(customer_id) or self._store.customers.get(customer_id)
        return copy.copy(found) if found else None

    def lock(self, customer_id: UUID) -> Customer | None:
        return self.get(customer_id)  # the writer lock is already held for the transaction

    def by_number(self, customer_number: str) -> Customer | None:
        return next((copy.copy(c) for c in self._all() if c.customer_number == customer_number), None)

    def by_email_or_phone(self, email: str, phone_number: str) -> Customer | None:
        return next((copy.copy(c) for c in self._all()
                     if c.email == email or c.phone_number == phone_number), None)


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

    def internal(self, currency: str) -> Account | None:
        return next((a for a in self.all()
                     if a.account_type is AccountType.INTERNAL and a.currency == currency), None)

    def all(self) -> Iterator[Account]:
        with self._store.state:
            merged = {**self._store.accounts, **self._staged.accounts}
        return (copy.copy(a) for a in merged.values())


class MemoryTransfers:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def add(self, transfer: Transfer) -> None:
        if transfer.idempotency_key is not None:
            assert transfer.idempotency_scope is not None
            found = self.by_idempotency_key(transfer.idempotency_scope, transfer.idempotency_key)
            if found is not None and found.id != transfer.id:
                raise DuplicateIdempotencyKey(transfer.idempotency_key)
        self._staged.transfers[transfer.id] = transfer

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
        return iter([(t.id, t.status) for t in self._all()])

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

    def between(self, account_id: UUID, since: datetime, until: datetime) -> Iterator[LedgerEntry]:
        return (e for e in self._of(account_id) if since <= e.posted_at < until)

    def after(self, account_id: UUID, after: int | None, since: datetime, until: datetime,
              limit: int) -> list[LedgerEntry]:
        rows = [e for e in self._of(account_id) if since <= e.posted_at < until
                and (after is None or e.sequence > after)]
        return rows[:limit]

    def last_before(self, account_id: UUID, moment: datetime) -> LedgerEntry | None:
        earlier = [e for e in self._of(account_id) if e.posted_at < moment]
        return earlier[-1] if earlier else None

    def all_in_order(self) -> Iterator[LedgerEntry]:
        with self._store.state:
            committed = list(self._store.entries)
        return iter(sorted(committed + self._staged.entries, key=lambda e: e.sequence))

    def for_transfer(self, transfer_id: UUID) -> list[LedgerEntry]:
        with self._store.state:
            committed = [e for e in self._store.entries if e.transfer_id == transfer_id]
        return committed + [e for e in self._staged.entries if e.transfer_id == transfer_id]


class MemoryAudit:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged
        self._chain: tuple[list[AuditEvent], AuditHead] | None = None

    def append(self, event: AuditEvent) -> None:
        # Writers hold the store's writer lock, so the committed head cannot move meanwhile.
        # Sealed after the head, not after the last record, as SQL seals after audit_head.
        staged = self._staged.audit
        with self._store.state:
            head = AuditHead(staged[-1].sequence, staged[-1].record_hash) if staged \
                else self._store.audit_head
        staged.append(seal(event, head.sequence + 1, head.record_hash))

    def page(self, *, before: int | None, limit: int) -> list[AuditEvent]:
        with self._store.state:
            chain = list(self._store.audit)
        newest_first = [e for e in reversed(chain) if before is None or e.sequence < before]
        return newest_first[:limit]

    def all_in_order(self) -> Iterator[AuditEvent]:
        return iter(self._committed()[0])

    def head(self) -> AuditHead:
        return self._committed()[1]

    def _committed(self) -> tuple[list[AuditEvent], AuditHead]:
        """The committed records and head, read together once per unit of work: the one
        snapshot a database's reader sees, so a commit in between cannot part them."""
        if self._chain is None:
            with self._store.state:
                self._chain = list(self._store.audit), self._store.audit_head
        return self._chain

    def ask_recent_actions(self, customer_id: UUID, since: datetime,
                           actions: Collection[str]) -> Later[list[str]]:
        with self._store.state:  # read now, as a database reads it before any later write
            chain = self._store.audit + self._staged.audit
        found = sorted({e.action for e in chain if e.customer_id == customer_id
                        and e.occurred_at >= since and e.action in actions})
        return lambda: found


class MemorySessions:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def add(self, session: Session) -> None:
        self._staged.sessions[session.id] = copy.copy(session)

    update = add

    def get(self, session_id: UUID) -> Session | None:
        with self._store.state:
            found = self._staged.sessions.get(session_id) or self._store.sessions.get(session_id)
        return copy.copy(found) if found else None

    lock = get  # the writer lock already serialises writers

    def of_customer(self, customer_id: UUID) -> list[Session]:
        with self._store.state:
            merged = {**self._store.sessions, **self._staged.sessions}
        return sorted((copy.copy(s) for s in merged.values() if s.customer_id == customer_id),
                      key=lambda s: s.created_at, reverse=True)


class MemoryRefreshTokens:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def add(self, token: RefreshToken) -> None:
        self._staged.refresh_tokens[token.token_hash] = copy.copy(token)

    update = add

    def get(self, token_hash: str) -> RefreshToken | None:
        with self._store.state:
            found = self._staged.refresh_tokens.get(token_hash) or \
                self._store.refresh_tokens.get(token_hash)
        return copy.copy(found) if found else None


class MemoryLoginAttempts:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def get(self, customer_number: str) -> LoginAttempts | None:
        with self._store.state:
            found = self._staged.login_attempts.get(customer_number) or \
                self._store.login_attempts.get(customer_number)
        return copy.copy(found) if found else None

    def save(self, attempts: LoginAttempts) -> None:
        self._staged.login_attempts[attempts.customer_number] = copy.copy(attempts)


class MemoryRateLimits:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def hit(self, key: str, window_start: datetime) -> int:
        with self._store.state:
            current = self._staged.rate_limits.get(key) or self._store.rate_limits.get(key)
        if current is None or current[0] < window_start:
            current = (window_start, 0)
        self._staged.rate_limits[key] = (current[0], current[1] + 1)
        return current[1] + 1


class MemoryDevices:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def _all(self) -> list[DeviceBinding]:
        with self._store.state:
            return list({**self._store.devices, **self._staged.devices}.values())

    def add(self, binding: DeviceBinding) -> None:
        if self.by_identifier(binding.customer_id, binding.identifier) is not None:
            raise ValueError("device already bound")
        self._staged.devices[binding.id] = copy.copy(binding)

    def update(self, binding: DeviceBinding) -> None:
        self._staged.devices[binding.id] = copy.copy(binding)

    # lock: the writer lock is already held for the whole transaction.
    def get(self, binding_id: UUID, *, lock: bool = False) -> DeviceBinding | None:
        return next((copy.copy(b) for b in self._all() if b.id == binding_id), None)

    def by_identifier(self, customer_id: UUID, identifier: str, *,
                      lock: bool = False) -> DeviceBinding | None:
        return next((copy.copy(b) for b in self._all()
                     if b.customer_id == customer_id and b.identifier == identifier), None)

    def ask_by_identifier(self, customer_id: UUID, identifier: str
                          ) -> Later[DeviceBinding | None]:
        found = self.by_identifier(customer_id, identifier)
        return lambda: found

    def of_customer(self, customer_id: UUID) -> list[DeviceBinding]:
        return sorted((copy.copy(b) for b in self._all() if b.customer_id == customer_id),
                      key=lambda b: b.created_at)

    # A writer holds the store's writer lock for its whole transaction: take is atomic.
    def add_nonce(self, nonce: DeviceNonce) -> None:
        self._staged.device_nonces[nonce.nonce_hash] = nonce

    def take_nonce(self, nonce_hash: str) -> DeviceNonce | None:
        with self._store.state:
            found = self._staged.device_nonces.get(nonce_hash,
                                                   self._store.device_nonces.get(nonce_hash))
        if found is not None:
            self._staged.device_nonces[nonce_hash] = None
        return found

    def drop_expired_nonces(self, now: datetime) -> None:
        with self._store.state:
            expired = [h for h, n in self._store.device_nonces.items() if n.expires_at <= now]
        for nonce_hash in expired:
            self._staged.device_nonces[nonce_hash] = None


class MemoryVoice:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def voiceprint(self, customer_id: UUID) -> Voiceprint | None:
        with self._store.state:
            return self._staged.voiceprints.get(customer_id) or \
                self._store.voiceprints.get(customer_id)

    def save_voiceprint(self, voiceprint: Voiceprint) -> None:
        self._staged.voiceprints[voiceprint.customer_id] = copy.copy(voiceprint)

    def attempts(self, customer_id: UUID) -> VoiceAttempts | None:
        with self._store.state:
            found = self._staged.voice_attempts.get(customer_id) or \
                self._store.voice_attempts.get(customer_id)
        return copy.copy(found) if found else None

    def save_attempts(self, attempts: VoiceAttempts) -> None:
        self._staged.voice_attempts[attempts.customer_id] = copy.copy(attempts)

    def _samples(self) -> dict[tuple[UUID, str], tuple[VoiceSample, bool, datetime]]:
        with self._store.state:
            return {**self._store.voice_samples, **self._staged.voice_samples}

    def seen(self, customer_id: UUID, sha256: str) -> bool:
        return (customer_id, sha256) in self._samples()

    def accepted_embeddings(self, customer_id: UUID, limit: int) -> list[Embedding]:
        mine = sorted(((when, s) for (c, _), (s, ok, when) in self._samples().items()
                       if c == customer_id and ok), key=lambda pair: pair[0], reverse=True)
        return [s.embedding for _, s in mine[:limit]]

    def remember(self, customer_id: UUID, sample: VoiceSample, accepted: bool,
                 when: datetime) -> None:
        self._staged.voice_samples[(customer_id, sample.sha256)] = (sample, accepted, when)


class MemoryFraud:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def _get(self, key: tuple[str, str]) -> object | None:
        with self._store.state:
            found = self._staged.fraud_profiles.get(key) or self._store.fraud_profiles.get(key)
        return copy.deepcopy(found)

    def profiles(self, customer_id: UUID, counterparty: str
                 ) -> tuple[CustomerProfile | None, CounterpartyProfile | None]:
        return self.customer_profile(customer_id), self.counterparty_profile(counterparty)

    def customer_profile(self, customer_id: UUID) -> CustomerProfile | None:
        found = self._get(("customer", str(customer_id)))
        return found if isinstance(found, CustomerProfile) else None

    def save_customer_profile(self, profile: CustomerProfile) -> None:
        self._staged.fraud_profiles[("customer", str(profile.customer_id))] = copy.deepcopy(profile)

    def counterparty_profile(self, key: str) -> CounterpartyProfile | None:
        found = self._get(("counterparty", key))
        return found if isinstance(found, CounterpartyProfile) else None

    def save_counterparty_profile(self, profile: CounterpartyProfile) -> None:
        self._staged.fraud_profiles[("counterparty", profile.key)] = copy.deepcopy(profile)

    def add_assessment(self, stored: StoredAssessment) -> None:
        self._staged.assessments[stored.transfer_id] = stored

    def assessment(self, transfer_id: UUID) -> StoredAssessment | None:
        with self._store.state:
            return self._staged.assessments.get(transfer_id) or \
                self._store.assessments.get(transfer_id)


class MemoryBeneficiaries:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def _all(self) -> dict[UUID, Beneficiary | None]:
        with self._store.state:
            return {**self._store.beneficiaries, **self._staged.beneficiaries}

    def add(self, beneficiary: Beneficiary) -> None:
        self._staged.beneficiaries[beneficiary.id] = copy.copy(beneficiary)

    update = add

    def delete(self, beneficiary_id: UUID) -> None:
        self._staged.beneficiaries[beneficiary_id] = None

    def get(self, beneficiary_id: UUID) -> Beneficiary | None:
        found = self._all().get(beneficiary_id)
        return copy.copy(found) if found else None

    def of_customer(self, customer_id: UUID) -> list[Beneficiary]:
        mine = [copy.copy(b) for b in self._all().values() if b and b.customer_id == customer_id]
        return sorted(mine, key=lambda b: (not b.favourite, b.name))

    def ask_of_customer(self, customer_id: UUID) -> Later[list[Beneficiary]]:
        found = self.of_customer(customer_id)
        return lambda: found


class MemoryCards:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def add(self, card: Card) -> None:
        self._staged.cards[card.id] = copy.copy(card)

    update = add

    def get(self, card_id: UUID) -> Card | None:
        with self._store.state:
            found = self._staged.cards.get(card_id) or self._store.cards.get(card_id)
        return copy.copy(found) if found else None

    def of_customer(self, customer_id: UUID) -> list[Card]:
        with self._store.state:
            merged = {**self._store.cards, **self._staged.cards}
        return sorted((copy.copy(c) for c in merged.values() if c.customer_id == customer_id),
                      key=lambda c: c.issued_at)


class MemoryReminders:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def _all(self) -> dict[UUID, Reminder | None]:
        with self._store.state:
            return {**self._store.reminders, **self._staged.reminders}

    def add(self, reminder: Reminder) -> None:
        self._staged.reminders[reminder.id] = copy.copy(reminder)

    update = add

    def delete(self, reminder_id: UUID) -> None:
        self._staged.reminders[reminder_id] = None

    def get(self, reminder_id: UUID) -> Reminder | None:
        found = self._all().get(reminder_id)
        return copy.copy(found) if found else None

    def of_customer(self, customer_id: UUID) -> list[Reminder]:
        return sorted((copy.copy(r) for r in self._all().values()
                       if r and r.customer_id == customer_id), key=lambda r: r.due_at)

    def due(self, now: datetime, limit: int) -> list[Reminder]:
        due = [copy.copy(r) for r in self._all().values()
               if r and r.status is ReminderStatus.PENDING and r.due_at <= now]
        return sorted(due, key=lambda r: (r.due_at, r.id))[:limit]

    def claim(self, reminder_ids: Sequence[UUID]) -> list[Reminder]:
        found = self._all()  # the writer's lock is the claim: one writer at a time
        return sorted((copy.copy(r) for i in set(reminder_ids) if (r := found.get(i))
                       and r.status is ReminderStatus.PENDING), key=lambda r: (r.due_at, r.id))

    def add_notification(self, notification: Notification) -> bool:
        key = (notification.reminder_id, notification.occurrence)
        with self._store.state:
            if key in self._store.notifications or key in self._staged.notifications:
                return False
        self._staged.notifications[key] = notification
        return True

    def notifications(self, customer_id: UUID) -> list[Notification]:
        with self._store.state:
            merged = {**self._store.notifications, **self._staged.notifications}
        return sorted((n for n in merged.values() if n.customer_id == customer_id),
                      key=lambda n: n.occurrence)


class MemoryBranches:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def add(self, branch: Branch) -> None:
        self._staged.branches[branch.code] = branch

    def all(self) -> list[Branch]:
        with self._store.state:
            merged = {**self._store.branches, **self._staged.branches}
        return sorted(merged.values(), key=lambda b: b.code)
