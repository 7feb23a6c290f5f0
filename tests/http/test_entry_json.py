"""A statement's entries are written as JSON text straight from their fields
(views.entry_json); they must read back exactly as the dict form every page of transactions
sends (views.entry), whatever the free text holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.ledger import Channel, EntryType, LedgerEntry
from domain.money import MINOR_DIGITS, Money
from entrypoints.http.responses import compact_json
from entrypoints.http.views import entry, entry_json

FREE_TEXT = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ['"', "\\", "\n\t\r", "\u2028", "</script>", "=HYPERLINK(\"x\")", "\x00\x1f", "नमस्ते", "💸"])
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))])


@st.composite
def entries(draw: st.DrawFn) -> LedgerEntry:
    currency = draw(st.sampled_from(sorted(MINOR_DIGITS)))
    return LedgerEntry(
        id=UUID(int=draw(st.integers(0, 2**128 - 1))),
        account_id=UUID(int=1), transfer_id=UUID(int=2),
        entry_type=draw(st.sampled_from(EntryType)),
        amount=Money(draw(st.integers(1, 10**15)), currency),
        balance_after=Money(draw(st.integers(-(10**15), 10**15)), currency),
        channel=draw(st.sampled_from(Channel)),
        description=draw(FREE_TEXT), reference=draw(FREE_TEXT),
        posted_at=draw(st.datetimes(min_value=datetime(2000, 1, 1),
                                    max_value=datetime(2100, 1, 1), timezones=ZONES)))


@given(entries())
def test_an_entry_written_as_text_reads_back_as_its_dict(e: LedgerEntry) -> None:
    text = entry_json(e)
    assert json.loads(text) == entry(e)
    assert text == compact_json(entry(e))  # the same bytes, so one form is all a client sees
