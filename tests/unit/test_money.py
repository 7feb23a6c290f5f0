"""Money: integer minor units, strict parsing, never a float."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import CurrencyMismatch, ValidationError
from domain.money import MAX_MINOR_UNITS, Money


@pytest.mark.parametrize(("text", "minor"), [
    ("1250.50", 125050), ("0.01", 1), ("1250", 125000), ("1250.5", 125050), ("0", 0),
])
def test_parses_decimal_strings_into_paise(text: str, minor: int) -> None:
    assert Money.parse(text, "INR") == Money(minor, "INR")


@pytest.mark.parametrize("text", [
    "1250.505", "-5.00", "+5.00", "1e3", " 5.00", "5.00 ", "05.00", "5.", ".5", "1,250.00",
    "", "NaN", "Infinity", "١٢٣", "12345678901234567.00",
])
def test_refuses_anything_loose(text: str) -> None:
    with pytest.raises(ValidationError):
        Money.parse(text, "INR")


def test_refuses_numbers_and_unknown_currencies() -> None:
    with pytest.raises(ValidationError):
        Money.parse(12.5, "INR")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Money.parse("12.50", "XYZ")
    with pytest.raises(ValidationError):
        Money(1.5, "INR")  # type: ignore[arg-type]


def test_zero_decimal_currency_refuses_fractions() -> None:
    assert Money.parse("500", "JPY").minor == 500
    with pytest.raises(ValidationError):
        Money.parse("500.5", "JPY")


def test_arithmetic_never_mixes_currencies() -> None:
    with pytest.raises(CurrencyMismatch):
        Money(100, "INR") + Money(100, "USD")
    assert Money(150, "INR") - Money(50, "INR") == Money(100, "INR")
    assert Money(1, "INR") < Money(2, "INR")


def test_formats_with_exactly_the_minor_digits() -> None:
    assert Money(5, "INR").format() == "0.05"
    assert Money(125050, "INR").format() == "1250.50"
    assert Money(-1, "INR").format() == "-0.01"
    assert Money(700, "JPY").format() == "700"


@given(st.integers(min_value=0, max_value=MAX_MINOR_UNITS))
def test_format_then_parse_is_identity(minor: int) -> None:
    money = Money(minor, "INR")
    assert Money.parse(money.format(), "INR") == money


@given(st.text(max_size=24))
def test_parse_either_succeeds_exactly_or_raises_validation_error(text: str) -> None:
    try:
        parsed = Money.parse(text, "INR")
    except ValidationError:
        return
    assert parsed.format() == text or parsed.format() == (text + ".00" if "." not in text
                                                          else text + "0")
