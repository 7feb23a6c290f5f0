"""Money as integer minor units plus an ISO 4217 currency: floats never touch an amount."""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from domain.errors import CurrencyMismatch, ValidationError

# ISO 4217 minor-unit exponents of the currencies the bank books.
MINOR_DIGITS: dict[str, int] = {"INR": 2, "USD": 2, "EUR": 2, "GBP": 2, "JPY": 0}

# Larger than any real balance, well inside BIGINT, so sums of many amounts cannot overflow.
MAX_MINOR_UNITS = 10**15

_AMOUNT = re.compile(r"(0|[1-9][0-9]*)(?:\.([0-9]+))?")


def _check_currency(currency: str) -> str:
    if currency not in MINOR_DIGITS:
        raise ValidationError(f"unknown currency {currency!r}", field="currency")
    return currency


@attrs.frozen(order=False)
class Money:
    """An amount in a currency's smallest unit (paise for INR)."""

    minor: int
    currency: str = attrs.field(default="INR")

    def __attrs_post_init__(self) -> None:
        if type(self.minor) is not int:
            raise ValidationError("money must be an integer number of minor units")
        _check_currency(self.currency)
        if abs(self.minor) > MAX_MINOR_UNITS:
            raise ValidationError("amount is out of range", field="amount")

    @classmethod
    def parse(cls, text: str, currency: str = "INR") -> Money:
        """Parse a decimal string such as "1250.50"; anything loose is refused."""
        if not isinstance(text, str):
            raise ValidationError("amount must be a decimal string", field="amount")
        digits = MINOR_DIGITS.get(_check_currency(currency), 0)
        match = _AMOUNT.fullmatch(text)
        if match is None:
            raise ValidationError(f"amount {text!r} is not a decimal number", field="amount")
        whole, fraction = match.group(1), match.group(2) or ""
        if len(fraction) > digits:
            raise ValidationError(
                f"amount {text!r} has more than {digits} decimal places", field="amount"
            )
        if len(whole) > 16:
            raise ValidationError("amount is out of range", field="amount")
        return cls(int(whole) * 10**digits + int(fraction.ljust(digits, "0") or "0"), currency)

    @classmethod
    def zero(cls, currency: str = "INR") -> Money:
        return cls(0, currency)

    def exceeds(self, limit: str) -> bool:
        """Is this more than `limit`, a decimal amount in major units ("10000.00")? Compared
        as decimals, so one limit reads alike in currencies of any number of minor digits."""
        return Decimal(self.minor).scaleb(-MINOR_DIGITS[self.currency]) > Decimal(limit)

    def format(self) -> str:
        """The decimal string with exactly the currency's minor digits ("1250.50")."""
        digits = MINOR_DIGITS[self.currency]
        sign = "-" if self.minor < 0 else ""
        whole, fraction = divmod(abs(self.minor), 10**digits)
        return f"{sign}{whole}.{fraction:0{digits}d}" if digits else f"{sign}{whole}"

    def is_positive(self) -> bool:
        return self.minor > 0

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"cannot combine {self.currency} with {other.currency}",
                expected=self.currency,
                got=other.currency,
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.minor <= other.minor

    def __str__(self) -> str:
        return f"{self.format()} {self.currency}"
