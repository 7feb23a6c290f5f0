"""Audit checkpoints: the chain's head at one moment, signed, kept by the operator outside the
database. Whoever can write the database can recompute every hash of the chain after any
record; a kept checkpoint says which hash record N had, and no one can recompute that."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from datetime import UTC, datetime

import attrs

from domain.errors import ValidationError

FORMAT = "vaani-audit-checkpoint/1"
_HASH = re.compile(r"[0-9a-f]{64}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_FIELDS = {"format", "sequence", "record_hash", "taken_at", "key_id", "public_key", "signature"}


def key_id_of(public_key: bytes) -> str:
    """A key's short name: the start of its SHA-256 fingerprint. Trust compares whole keys."""
    return hashlib.sha256(public_key).hexdigest()[:16]


@attrs.frozen
class Checkpoint:
    """What is signed: the head's sequence and hash, when it was taken, and by which key."""

    sequence: int
    record_hash: str
    taken_at: datetime
    key_id: str

    def payload(self) -> bytes:
        """The exact bytes the signature covers (sorted keys, no spaces, UTC time)."""
        return json.dumps({"format": FORMAT, "sequence": self.sequence,
                           "record_hash": self.record_hash, "key_id": self.key_id,
                           "taken_at": _time(self.taken_at)},
                          sort_keys=True, separators=(",", ":")).encode()

    def describe(self) -> str:
        return f"the checkpoint of record {self.sequence} taken {_time(self.taken_at)}"


@attrs.frozen
class SignedCheckpoint:
    """A checkpoint with the public key that signed it (to name it, not to trust it: trust
    comes from the operator's own copy of the key) and the signature."""

    checkpoint: Checkpoint
    public_key: bytes
    signature: bytes

    def to_line(self) -> str:
        """One JSON line: a checkpoints file holds one per line, oldest first."""
        c = self.checkpoint
        return json.dumps({"format": FORMAT, "sequence": c.sequence, "record_hash": c.record_hash,
                           "taken_at": _time(c.taken_at), "key_id": c.key_id,
                           "public_key": base64.b64encode(self.public_key).decode(),
                           "signature": base64.b64encode(self.signature).decode()})


def parse_line(line: str) -> SignedCheckpoint:
    """A checkpoint line back, every field checked; a malformed line raises ValidationError."""
    try:
        data = json.loads(line)
    except ValueError:
        raise ValidationError("not a checkpoint: not a JSON object") from None
    if not isinstance(data, dict) or set(data) != _FIELDS:
        raise ValidationError(f"not a checkpoint: expected exactly the fields {sorted(_FIELDS)}")
    if data["format"] != FORMAT:
        raise ValidationError(f"not a checkpoint: unknown format {data['format']!r}")
    sequence = data["sequence"]
    if type(sequence) is not int or sequence < 0:
        raise ValidationError("checkpoint: sequence must be a whole number, 0 or more")
    if not isinstance(data["record_hash"], str) or not _HASH.fullmatch(data["record_hash"]):
        raise ValidationError("checkpoint: record_hash must be 64 lowercase hex digits")
    if not isinstance(data["key_id"], str) or not _KEY_ID.fullmatch(data["key_id"]):
        raise ValidationError("checkpoint: key_id must be 16 lowercase hex digits")
    taken_at = _parse_time(data["taken_at"])
    return SignedCheckpoint(Checkpoint(sequence, data["record_hash"], taken_at, data["key_id"]),
                            _base64(data["public_key"], "public_key"),
                            _base64(data["signature"], "signature"))


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _parse_time(value: object) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationError("checkpoint: taken_at must be an ISO 8601 time with its offset")
    return moment


def _base64(value: object, name: str) -> bytes:
    try:
        if isinstance(value, str) and value:
            return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        pass
    raise ValidationError(f"checkpoint: {name} must be base64")


def rewritten(checkpoint: Checkpoint, found_hash: str) -> str | None:
    """Why the record a checkpoint names no longer is the one it saw, or None when it is."""
    if found_hash == checkpoint.record_hash:
        return None
    return (f"record {checkpoint.sequence}: its hash is not the one in {checkpoint.describe()} "
            "(this record or one before it was rewritten since)")


def missing_tail(checkpoint: Checkpoint, chain_end: int) -> str | None:
    """Why a chain ending at `chain_end` does not reach a checkpoint, or None when it does."""
    if checkpoint.sequence <= chain_end:
        return None
    return (f"the chain ends at record {chain_end}, short of {checkpoint.describe()}: "
            "the newest records were removed (missing tail)")
