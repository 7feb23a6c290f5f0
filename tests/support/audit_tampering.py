"""What someone who can write the database can do to the audit trail: remove its newest
records, edit one, and recompute every hash after it (the chain alone cannot tell), with or
without moving the head. Works on the memory store and on a SQL database alike."""

from __future__ import annotations

import attrs
import sqlalchemy as sa

from adapters.memory import MemoryStore
from adapters.sql import mapping as m
from adapters.sql.tables import audit_events, audit_head
from domain.audit import GENESIS, AuditEvent, AuditHead, seal


class AuditTampering:
    def __init__(self, target: MemoryStore | sa.Engine) -> None:
        self._target = target

    def chain(self) -> list[AuditEvent]:
        if isinstance(self._target, MemoryStore):
            return list(self._target.audit)
        with self._target.connect() as conn:
            query = sa.select(audit_events).order_by(audit_events.c.sequence)
            return [m.to_audit(r) for r in conn.execute(query)]

    def head(self) -> AuditHead:
        if isinstance(self._target, MemoryStore):
            return self._target.audit_head
        with self._target.connect() as conn:
            row = conn.execute(sa.select(audit_head.c.last_sequence, audit_head.c.last_hash)).one()
        return AuditHead(row.last_sequence, row.last_hash)

    def write(self, chain: list[AuditEvent], head: AuditHead) -> None:
        """Replace every record and the head."""
        if isinstance(self._target, MemoryStore):
            self._target.audit[:] = chain
            self._target.audit_head = head
            return
        with self._target.begin() as conn:
            conn.execute(audit_events.delete())
            if chain:
                conn.execute(audit_events.insert(), [m.audit_row(e) for e in chain])
            conn.execute(audit_head.update().where(audit_head.c.id == 1).values(
                last_sequence=head.sequence, last_hash=head.record_hash,
                previous_hash=chain[-1].previous_hash if chain else None))

    def remove_newest(self, count: int, *, move_head: bool) -> None:
        kept = self.chain()[:-count]
        self.write(kept, _end(kept) if move_head else self.head())

    def edit(self, sequence: int, *, reseal: bool, move_head: bool = True,
             **changes: object) -> None:
        """Change one record (its resource unless told what); `reseal`: recompute its hash
        and every later one, as an attacker who knows the (public) canonical form can."""
        chain = self.chain()
        index = sequence - chain[0].sequence
        chain[index] = attrs.evolve(chain[index], **(changes or {"resource": "edited by someone"}))
        if reseal:
            previous = chain[index - 1].record_hash if index else chain[0].previous_hash
            for i in range(index, len(chain)):
                chain[i] = seal(chain[i], chain[i].sequence, previous)
                previous = chain[i].record_hash
        self.write(chain, _end(chain) if move_head else self.head())


def _end(chain: list[AuditEvent]) -> AuditHead:
    return AuditHead(chain[-1].sequence, chain[-1].record_hash) if chain else GENESIS
