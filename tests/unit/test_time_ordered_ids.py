"""Time-ordered ids (UUIDv7, RFC 9562): unique, version 7 with the RFC variant, and sorted by the
millisecond they were made, so a later row's id sorts after an earlier one's."""

from __future__ import annotations

import time
import uuid

from adapters.system import TimeOrderedIds


def test_ids_are_version_7_with_the_rfc_variant_and_carry_the_millisecond() -> None:
    before = time.time_ns() // 1_000_000
    made = TimeOrderedIds().new_id()
    after = time.time_ns() // 1_000_000
    assert made.version == 7
    assert made.variant == uuid.RFC_4122
    assert before <= made.int >> 80 <= after


def test_ids_made_in_later_milliseconds_sort_later_and_never_repeat() -> None:
    ids = TimeOrderedIds()
    made = []
    for _ in range(3):
        made.append([ids.new_id() for _ in range(2_000)])
        time.sleep(0.002)  # the next batch's millisecond is a later one
    assert max(made[0]) < min(made[1]) and max(made[1]) < min(made[2])
    flat = [i for batch in made for i in batch]
    assert len(set(flat)) == len(flat)
