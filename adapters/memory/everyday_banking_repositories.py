"""Everyday-banking repositories over the memory store: beneficiaries, cards, reminders with
their notifications, and branches. Reads see committed state plus this transaction's staged
changes; writes are staged until commit."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from adapters.memory.staged import Staged
from adapters.memory.store import MemoryStore
from application.ports import Later
from domain.beneficiary import Beneficiary
from domain.branch import Branch
from domain.card import Card
from domain.reminder import Notification, Reminder, ReminderStatus


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
