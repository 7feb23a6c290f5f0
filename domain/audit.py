"""The audit trail: who did what to which resource, sealed into a SHA-256 hash chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from uuid import UUID

import attrs

GENESIS_HASH = "0" * 64


class Outcome:
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


@attrs.frozen
class AuditEvent:
    """One sensitive action. `sequence`, `previous_hash` and `record_hash` are set by `seal`."""

    id: UUID
    occurred_at: datetime
    action: str
    outcome: str
    actor_id: UUID | None = None
    customer_id: UUID | None = None
    resource: str = ""
    ip: str | None = None
    device_id: str | None = None
    request_id: str | None = None
    details: Mapping[str, str] = attrs.field(factory=dict)
    sequence: int = 0
    previous_hash: str = ""
    record_hash: str = ""


# One encoder, made once: json.dumps with options builds a new one on every call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _fields(event: AuditEvent) -> dict[str, object]:
    """Every field the hash covers but the two the chain's head gives (sequence, previous hash)."""
    return {
        "id": str(event.id),
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "action": event.action, "outcome": event.outcome,
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "customer_id": str(event.customer_id) if event.customer_id else None,
        "resource": event.resource, "ip": event.ip, "device_id": event.device_id,
        "request_id": event.request_id, "details": dict(event.details),  # keys sorted on encoding
    }


def canonical_form(event: AuditEvent) -> bytes:
    """Every field but the record's own hash, in one fixed byte form."""
    return _canonical(event, event.sequence, event.previous_hash)


def _canonical(event: AuditEvent, sequence: int, previous_hash: str) -> bytes:
    """`canonical_form` of `event` placed at `sequence` after `previous_hash`."""
    return _CANONICAL({**_fields(event), "sequence": sequence,
                       "previous_hash": previous_hash}).encode()


# Keys after "previous_hash" in sorted order, before "sequence" (the last key).
_BETWEEN = ("request_id", "resource")


def canonical_parts(event: AuditEvent) -> tuple[bytes, bytes]:
    """The canonical form around the two values only the chain's head knows: for any sequence
    and previous hash, `canonical_form` of the sealed event is exactly
    `before + previous_hash + between + str(sequence) + "}"` (ASCII). The keys are sorted, and
    "previous_hash" < "request_id" < "resource" < "sequence": so a database can seal the event
    itself, under the head's lock, without a round trip to us in between."""
    fields = _fields(event)
    trailing = {k: fields.pop(k) for k in _BETWEEN}
    before = _CANONICAL(fields)[:-1] + ',"previous_hash":"'
    between = '",' + _CANONICAL(trailing)[1:-1] + ',"sequence":'
    return before.encode(), between.encode()


def record_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_form(event)).hexdigest()


def seal(event: AuditEvent, sequence: int, previous_hash: str) -> AuditEvent:
    """Place the event after its predecessor in the chain. One copy of the event, not two:
    `attrs.evolve` is costly and every posting seals a record."""
    digest = hashlib.sha256(_canonical(event, sequence, previous_hash)).hexdigest()
    return attrs.evolve(event, sequence=sequence, previous_hash=previous_hash, record_hash=digest)


@attrs.frozen
class AuditHead:
    """Where the chain ends by the database's own account: its newest record's sequence and
    hash, kept apart from the records so that removing the newest ones leaves a trace."""

    sequence: int
    record_hash: str


GENESIS = AuditHead(0, GENESIS_HASH)


def loose_end(head: AuditHead, sequence: int, last_hash: str) -> str | None:
    """Why a chain whose last record is `sequence` with `last_hash` does not end at `head`,
    or None when it does: every link can hold and the newest records still be gone."""
    if head.sequence > sequence:
        missing = head.sequence - sequence
        return (f"the chain ends at record {sequence} but its head is record {head.sequence}: "
                f"the newest {missing} record(s) were removed")
    if head.sequence < sequence:
        return (f"the chain runs to record {sequence}, past its head at record {head.sequence}: "
                "records were added behind the head's back")
    if head.record_hash != last_hash:
        return (f"record {sequence}: its hash is not the one the chain's head holds "
                "(the newest record was replaced)")
    return None


def broken_link(event: AuditEvent, sequence: int, previous_hash: str) -> str | None:
    """Why `event` does not belong at `sequence` after `previous_hash`, or None when it does."""
    if event.sequence != sequence:
        return (f"record {event.sequence}: expected record {sequence} here "
                "(a record was removed or reordered)")
    if event.previous_hash != previous_hash:
        return f"record {event.sequence}: does not link to the record before it"
    if record_hash(event) != event.record_hash:
        return f"record {event.sequence}: its contents no longer match its hash (edited)"
    return None
