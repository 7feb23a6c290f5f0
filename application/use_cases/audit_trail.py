"""Reading and verifying the hash-chained audit trail, against its head and kept checkpoints."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from application.audit_keys import AuditKeys
from application.ports import UnitOfWorkFactory
from domain.audit import GENESIS_HASH, AuditEvent, AuditHead, broken_link, loose_end
from domain.audit_checkpoint import (
    Checkpoint,
    SignedCheckpoint,
    key_id_of,
    missing_tail,
    rewritten,
)
from domain.errors import ValidationError

MAX_PAGE = 100


@attrs.frozen
class AuditPage:
    items: list[AuditEvent]
    next_before: int | None


@attrs.frozen
class AuditReport:
    records: int
    first_break: str | None
    broken_sequence: int | None
    head: AuditHead | None = None  # where the database says the chain ends, once read
    checkpoints: int = 0  # kept checkpoints the chain was proved to contain and extend

    @property
    def ok(self) -> bool:
        return self.first_break is None


class ListAuditEvents:
    """Newest first, one page at a time."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, *, limit: int = 20, before: int | None = None) -> AuditPage:
        if not 1 <= limit <= MAX_PAGE:
            raise ValidationError(f"limit must be between 1 and {MAX_PAGE}", field="limit")
        with self._uow_factory() as uow:
            rows = uow.audit.page(before=before, limit=limit + 1)
        items = rows[:limit]
        return AuditPage(items, items[-1].sequence if len(rows) > limit else None)


class VerifyAuditTrail:
    """Walks the chain from the genesis hash to its head and reports the first thing wrong: a
    record that does not fit, a chain that stops short of its head (the newest records
    removed), or a kept checkpoint it no longer contains or extends. The walk alone cannot tell
    a chain recomputed by someone who can write the database; a checkpoint kept outside can."""

    def __init__(self, uow_factory: UnitOfWorkFactory, keys: AuditKeys) -> None:
        self._uow_factory = uow_factory
        self._keys = keys

    def execute(self, checkpoints: Sequence[SignedCheckpoint] = (),
                trusted_keys: Sequence[str] = ()) -> AuditReport:
        """`trusted_keys`: the operator's own key files; a checkpoint signed by any other key
        proves nothing, whatever key it carries."""
        if checkpoints and not trusted_keys:
            raise ValidationError("checking checkpoints needs the trusted public key "
                                  "(--trusted-key FILE)", field="trusted_key")
        trusted = {self._keys.public_key(path) for path in trusted_keys} if checkpoints else set()
        for signed in checkpoints:
            problem = self._untrusted(signed, trusted)
            if problem is not None:
                return AuditReport(0, problem, None)
        wanted: dict[int, list[Checkpoint]] = {}
        for signed in checkpoints:
            wanted.setdefault(signed.checkpoint.sequence, []).append(signed.checkpoint)
        previous, count = GENESIS_HASH, 0
        with self._uow_factory() as uow:  # one snapshot: the head and the records agree
            head = uow.audit.head()
            problem = _unkept(wanted.get(0, []), GENESIS_HASH)  # taken of an empty chain
            if problem is not None:
                return AuditReport(0, problem, 0, head)
            for event in uow.audit.all_in_order():
                problem = broken_link(event, count + 1, previous) \
                    or _unkept(wanted.get(event.sequence, []), event.record_hash)
                if problem is not None:
                    return AuditReport(count, problem, event.sequence, head)
                previous, count = event.record_hash, count + 1
        problem = loose_end(head, count, previous)
        if problem is not None:
            return AuditReport(count, problem, min(count, head.sequence) + 1, head)
        for checkpoint in sorted((s.checkpoint for s in checkpoints), key=lambda c: -c.sequence):
            problem = missing_tail(checkpoint, count)
            if problem is not None:
                return AuditReport(count, problem, count + 1, head)
        return AuditReport(count, None, None, head, len(checkpoints))

    def _untrusted(self, signed: SignedCheckpoint, trusted: set[bytes]) -> str | None:
        """Why the checkpoint cannot be believed, or None: it must carry the key it names,
        that key must be one the operator trusts, and its signature must hold."""
        checkpoint = signed.checkpoint
        if key_id_of(signed.public_key) != checkpoint.key_id:
            return (f"{checkpoint.describe()} names key {checkpoint.key_id} but carries another "
                    "key (forged)")
        if signed.public_key not in trusted:
            return (f"{checkpoint.describe()} is signed by key {checkpoint.key_id}, which is "
                    "not a trusted key (unknown key)")
        if not self._keys.verifies(signed.public_key, checkpoint.payload(), signed.signature):
            return (f"{checkpoint.describe()} has a bad signature (altered or forged after "
                    "signing)")
        return None


def _unkept(checkpoints: Sequence[Checkpoint], record_hash: str) -> str | None:
    """The first of the checkpoints of one record that saw another hash there."""
    return next(filter(None, (rewritten(c, record_hash) for c in checkpoints)), None)
