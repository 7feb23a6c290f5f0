"""Password reset tokens over the memory store. The writer lock is held for a whole write
transaction, so each conditional spend sees every earlier one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

import attrs

from adapters.memory.staged import Staged
from adapters.memory.store import MemoryStore
from domain.password_reset import PasswordReset


class MemoryPasswordResets:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def add(self, reset: PasswordReset) -> None:
        self._staged.password_resets[reset.token_hash] = reset

    def get(self, token_hash: str) -> PasswordReset | None:
        if token_hash in self._staged.password_resets:
            return self._staged.password_resets[token_hash]
        with self._store.state:
            return self._store.password_resets.get(token_hash)

    def spend(self, token_hash: str, now: datetime) -> bool:
        found = self.get(token_hash)
        if found is None or not found.usable(now):
            return False
        self._staged.password_resets[token_hash] = attrs.evolve(found, used_at=now)
        return True

    def drop_of_customer(self, customer_id: UUID) -> None:
        self._drop(lambda reset: reset.customer_id == customer_id)

    def drop_before(self, moment: datetime) -> None:
        self._drop(lambda reset: reset.expires_at < moment)

    def _drop(self, matches: Callable[[PasswordReset], bool]) -> None:
        with self._store.state:
            known: dict[str, PasswordReset | None] = {**self._store.password_resets}
        known.update(self._staged.password_resets)
        for token_hash, reset in known.items():
            if reset is not None and matches(reset):
                self._staged.password_resets[token_hash] = None
