"""The money operations' configured limits are decimal amounts that read alike in every
currency, whatever its number of minor digits (a yen has none)."""

from __future__ import annotations

from domain.money import Money
from domain.reversal import ReversalPolicy


def test_a_limit_reads_alike_in_currencies_with_and_without_minor_digits() -> None:
    policy = ReversalPolicy(approval_above="10000.00")
    assert not policy.needs_approval(Money(10_000, "JPY"))
    assert policy.needs_approval(Money(10_001, "JPY"))
    assert not policy.needs_approval(Money.parse("10000.00", "INR"))
    assert policy.needs_approval(Money.parse("10000.01", "INR"))
