"""The money operations' configured limits are decimal amounts that read alike in every
currency, whatever its number of minor digits (a yen has none)."""

from __future__ import annotations

from domain.money import Money
from domain.reversal import ReversalPolicy


def test_a_limit_reads_alike_in_currencies_with_and_without_minor_digits() -> None:
    policy = ReversalPolicy(approval_above="10000.00")
    assert not policy.needs_approval(Money(10_000, "JPY"), Money.zero("JPY"))
    assert policy.needs_approval(Money(10_001, "JPY"), Money.zero("JPY"))
    assert not policy.needs_approval(Money.parse("10000.00", "INR"), Money.zero("INR"))
    assert policy.needs_approval(Money.parse("10000.01", "INR"), Money.zero("INR"))


def test_the_limit_bounds_all_that_is_reversed_of_one_transfer() -> None:
    policy = ReversalPolicy(approval_above="10000.00")
    assert not policy.needs_approval(Money.parse("4000.00"), Money.parse("6000.00"))
    assert policy.needs_approval(Money.parse("4000.01"), Money.parse("6000.00"))
