"""The audit chain over the memory store: appends are sealed and staged until commit."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator
from datetime import datetime
from uuid import UUID

from adapters.memory.staged import Staged
from adapters.memory.store import MemoryStore
from application.ports import Later
from domain.audit import AuditEvent, AuditHead, seal


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

    def about(self, customer_id: UUID, *, after: int | None, limit: int) -> list[AuditEvent]:
        chosen = (e for e in self._committed()[0] if e.customer_id == customer_id
                  and (after is None or e.sequence > after))
        return list(itertools.islice(chosen, limit))

    def announced(self, actions: Collection[str], *, after: int | None, limit: int,
                  customer_id: UUID | None = None) -> list[AuditEvent]:
        chosen = (e for e in self._committed()[0] if e.action in actions
                  and (customer_id is None or e.customer_id == customer_id)
                  and (after is None or e.sequence > after))
        return list(itertools.islice(chosen, limit))

    def all_in_order(self) -> Iterator[AuditEvent]:
        return iter(self._committed()[0])

    def recorded(self, actions: Collection[str]) -> Iterator[AuditEvent]:
        chosen = [e for e in self._committed()[0] if e.action in actions]
        return iter(sorted(chosen, key=lambda e: (e.resource, e.sequence)))

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
