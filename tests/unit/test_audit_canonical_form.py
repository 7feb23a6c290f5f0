"""The audit record's canonical form, split for a database to seal: byte for byte the same."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import attrs
from hypothesis import given
from hypothesis import strategies as st

from domain.audit import GENESIS_HASH, AuditEvent, canonical_form, canonical_parts, seal

# Any text a request can put into a record: quotes, backslashes, control and non-ASCII
# characters (the form keeps them raw, ensure_ascii off), and the key names themselves.
texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=40) | st.sampled_from(
    ['","sequence":', '"previous_hash":"', "}", "\\", "\u2028", "नमस्ते"])
events = st.builds(
    AuditEvent, id=st.uuids(), occurred_at=st.datetimes(timezones=st.just(UTC)),
    action=texts, outcome=texts, actor_id=st.none() | st.uuids(),
    customer_id=st.none() | st.uuids(), resource=texts, ip=st.none() | texts,
    device_id=st.none() | texts, request_id=st.none() | texts,
    details=st.dictionaries(texts, texts, max_size=4))


@given(events, st.integers(min_value=1, max_value=2**63 - 1),
       st.text("0123456789abcdef", min_size=64, max_size=64))
def test_the_parts_around_sequence_and_previous_hash_make_the_canonical_form(
        event: AuditEvent, sequence: int, previous_hash: str) -> None:
    sealed = seal(event, sequence, previous_hash)
    before, between = canonical_parts(event)
    assembled = before + previous_hash.encode() + between + str(sequence).encode() + b"}"
    assert assembled == canonical_form(sealed)


def test_the_parts_do_not_depend_on_the_place_in_the_chain() -> None:
    event = AuditEvent(id=UUID(int=7), occurred_at=datetime(2026, 12, 1, tzinfo=UTC),
                       action="money.transfer", outcome="success", resource="transfer:1")
    placed = seal(event, 41, GENESIS_HASH)
    assert canonical_parts(placed) == canonical_parts(event) == \
        canonical_parts(attrs.evolve(event, sequence=9, previous_hash="f" * 64))
