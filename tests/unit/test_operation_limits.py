"""The reversal approval amount is a decimal amount of the bank's currency, read alike whatever
its number of minor digits (a yen has none); in any other currency a second operator approves."""

from __future__ import annotations

from domain.money import Money
from domain.reversal import ReversalPolicy


def test_a_limit_reads_alike_in_currencies_with_and_without_minor_digits() -> None:
    in_yen = ReversalPolicy(approval_above="10000", currency="JPY")
    assert not in_yen.needs_approval(Money(10_000, "JPY"), Money.zero("JPY"))
    assert in_yen.needs_approval(Money(10_001, "JPY"), Money.zero("JPY"))
    policy = ReversalPolicy(approval_above="10000.00")
    assert not policy.needs_approval(Money.parse("10000.00", "INR"), Money.zero("INR"))
    assert policy.needs_approval(Money.parse("10000.01", "INR"), Money.zero("INR"))


def test_the_limit_bounds_all_that_is_reversed_of_one_transfer() -> None:
    policy = ReversalPolicy(approval_above="10000.00")
    assert not policy.needs_approval(Money.parse("4000.00"), Money.parse("6000.00"))
    assert policy.needs_approval(Money.parse("4000.01"), Money.parse("6000.00"))


def test_in_another_currency_than_the_banks_a_second_operator_always_approves() -> None:
    policy = ReversalPolicy(approval_above="10000.00")  # rupees
    for currency in ("USD", "EUR", "GBP", "JPY"):
        assert policy.needs_approval(Money(1, currency), Money.zero(currency))
