"""A checkpoint line: what is signed, and every malformed line refused with a clear message."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.audit_checkpoint import Checkpoint, SignedCheckpoint, key_id_of, parse_line
from domain.errors import ValidationError

PUBLIC = bytes(range(32))
SIGNED = SignedCheckpoint(
    Checkpoint(42, "ab" * 32, datetime(2026, 12, 6, 6, 0, tzinfo=UTC), key_id_of(PUBLIC)),
    PUBLIC, b"\x01" * 64)


def test_a_line_reads_back_as_written() -> None:
    assert parse_line(SIGNED.to_line()) == SIGNED


def test_the_signed_bytes_are_fixed_and_in_utc() -> None:
    ist = SIGNED.checkpoint.taken_at.astimezone(timezone(timedelta(hours=5, minutes=30)))
    same_moment = Checkpoint(42, "ab" * 32, ist, SIGNED.checkpoint.key_id)
    assert same_moment.payload() == SIGNED.checkpoint.payload() == (
        '{"format":"vaani-audit-checkpoint/1","key_id":"' + key_id_of(PUBLIC) + '",'
        '"record_hash":"' + "ab" * 32 + '","sequence":42,'
        '"taken_at":"2026-12-06T06:00:00.000000+00:00"}').encode()


def _with(**changes: object) -> str:
    data = json.loads(SIGNED.to_line())
    data.update(changes)
    return json.dumps({k: v for k, v in data.items() if v is not ...})


@pytest.mark.parametrize(("line", "says"), [
    ("{not json", "not a JSON object"),
    ("[1, 2]", "expected exactly the fields"),
    (_with(signature=...), "expected exactly the fields"),
    (_with(extra="x"), "expected exactly the fields"),
    (_with(format="vaani-audit-checkpoint/0"), "unknown format"),
    (_with(sequence=True), "sequence"),
    (_with(sequence=-1), "sequence"),
    (_with(sequence="42"), "sequence"),
    (_with(record_hash="AB" * 32), "record_hash"),
    (_with(record_hash="ab" * 31), "record_hash"),
    (_with(key_id="not-hex-at-all!!"), "key_id"),
    (_with(taken_at="2026-12-06T06:00:00"), "taken_at"),
    (_with(taken_at="yesterday"), "taken_at"),
    (_with(taken_at=5), "taken_at"),
    (_with(public_key="***"), "public_key"),
    (_with(signature=""), "signature"),
])
def test_a_malformed_line_is_refused(line: str, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        parse_line(line)
