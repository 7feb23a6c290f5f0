"""Identity repositories over the memory store: customers, sessions, refresh tokens, login
attempts, rate limits and bound devices. Reads see committed state plus this transaction's
staged changes; writes are staged until commit."""

from __future__ import annotations

import copy
from datetime import datetime
from uuid import UUID

from adapters.memory.staged import Staged
from adapters.memory.store import MemoryStore
from application.ports import DuplicateCustomer, Later
from domain.customer import Customer, Role
from domain.device import DeviceBinding
from domain.device_key import DeviceNonce
from domain.login_attempts import LoginAttempts
from domain.session import RefreshToken, Session


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
        for other in self._all():
            if other.id != customer.id and (customer.email == other.email
                                             or customer.phone_number == other.phone_number):
                raise DuplicateCustomer(customer.customer_number)
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

    def staff(self) -> list[Customer]:
        found = [c for c in self._all() if c.role is not Role.CUSTOMER]
        found.sort(key=lambda c: (c.last_name, c.first_name, c.customer_number))
        return [copy.copy(c) for c in found]

    def search(self, text: str, limit: int) -> list[Customer]:
        low = text.lower()
        found = [c for c in self._all() if text in (c.customer_number, c.phone_number)
                 or c.email.lower() == low or c.first_name.lower().startswith(low)
                 or c.last_name.lower().startswith(low)]
        found.sort(key=lambda c: (c.last_name, c.first_name, c.customer_number))
        return [copy.copy(c) for c in found[:limit]]


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
