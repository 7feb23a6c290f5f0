"""Alert preferences and the event feed's consumers over the memory store (writers hold the
store's writer lock for the whole transaction)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from adapters.memory.staged import Staged
from adapters.memory.store import MemoryStore
from domain.alerts import AlertPreferences


class MemoryAlerts:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def preferences(self, customer_id: UUID) -> AlertPreferences | None:
        with self._store.state:
            return self._staged.alert_preferences.get(customer_id) or \
                self._store.alert_preferences.get(customer_id)

    def save(self, preferences: AlertPreferences) -> None:
        self._staged.alert_preferences[preferences.customer_id] = preferences

    def claim(self, consumer: str, start: int, now: datetime, until: datetime) -> int | None:
        with self._store.state:
            found = self._staged.event_consumers.get(consumer) or \
                self._store.event_consumers.get(consumer) or (start, None)
        position, leased_until = found
        if leased_until is not None and leased_until > now:
            return None
        self._staged.event_consumers[consumer] = (position, until)
        return position

    def release(self, consumer: str, position: int, lease: datetime) -> bool:
        with self._store.state:
            found = self._staged.event_consumers.get(consumer) or \
                self._store.event_consumers.get(consumer)
        if found is None or found[1] != lease:
            return False
        self._staged.event_consumers[consumer] = (position, None)
        return True
