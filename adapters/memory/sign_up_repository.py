"""Sign-ups waiting for their code, over the memory store. The writer lock is held for a whole
write transaction, so each conditional write sees every earlier one."""

from __future__ import annotations

from datetime import datetime

import attrs

from adapters.memory.staged import Staged
from adapters.memory.store import MemoryStore
from domain.sign_up import PendingSignUp


class MemorySignUps:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def add(self, sign_up: PendingSignUp) -> None:
        self._staged.sign_ups[sign_up.customer_number] = sign_up

    def get(self, customer_number: str) -> PendingSignUp | None:
        if customer_number in self._staged.sign_ups:
            return self._staged.sign_ups[customer_number]
        with self._store.state:
            return self._store.sign_ups.get(customer_number)

    def reserve_attempt(self, customer_number: str, now: datetime,
                        max_attempts: int) -> PendingSignUp | None:
        found = self.get(customer_number)
        if found is None or now >= found.expires_at or found.attempts >= max_attempts:
            return None
        counted = attrs.evolve(found, attempts=found.attempts + 1)
        self._staged.sign_ups[customer_number] = counted
        return counted

    def take(self, customer_number: str) -> bool:
        if self.get(customer_number) is None:
            return False
        self._staged.sign_ups[customer_number] = None
        return True

    def drop_before(self, moment: datetime) -> None:
        with self._store.state:
            expired = [n for n, s in self._store.sign_ups.items() if s.expires_at < moment]
        for number in expired:
            self._staged.sign_ups[number] = None
