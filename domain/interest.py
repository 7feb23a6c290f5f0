"""Interest on savings: accrued daily on the day's closing balance at the bank's annual rate,
Actual/365 (every day is 1/365 of a year), kept exactly — as a whole number of 1/DENOMINATOR
minor units — and posted monthly in whole minor units from the bank's interest-expense account,
what does not make a whole paisa carried to the next month, so nothing is ever lost."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from uuid import UUID

import attrs

from domain.errors import ValidationError

PER_MILLION = 1_000_000
DAYS_IN_YEAR = 365  # Actual/365 Fixed
DENOMINATOR = PER_MILLION * DAYS_IN_YEAR  # an accrual is numerator / DENOMINATOR minor units


def interest_account_number(currency: str) -> str:
    """The number of the bank's own interest-expense account in a currency."""
    return f"INTEREST-{currency}"


def closed_accounts_payable_number(currency: str) -> str:
    """The bank's own account of what it owes former customers: interest an account earned
    before it closed at zero is settled there at the close (a closed account holds nothing)."""
    return f"CLOSED-{currency}"


def rate_per_million(percent: str) -> int:
    """An annual rate given in percent ("3.50") as parts per million of the balance (35000)."""
    try:
        value = Decimal(percent)
    except InvalidOperation:
        raise ValidationError(f"interest rate {percent!r} is not a number") from None
    scaled = value * PER_MILLION / 100
    if not (0 <= value <= 100) or scaled != scaled.to_integral_value():
        raise ValidationError(f"interest rate {percent!r} must be 0-100 percent with at most "
                              "4 decimal places")
    return int(scaled)


@attrs.frozen
class InterestPolicy:
    """The annual rate on savings balances, in parts per million (35000: 3.5 %)."""

    rate_ppm: int = 35_000


@attrs.frozen
class Accrual:
    """One account's interest for one day: exact, in 1/DENOMINATOR minor units."""

    account_id: UUID
    account_number: str
    currency: str
    accrual_date: date
    balance: int  # the day's closing balance, minor units
    rate_ppm: int
    numerator: int  # balance * rate_ppm
    posted_month: str | None = None  # "YYYY-MM" once posted


def accrue(account_id: UUID, account_number: str, currency: str, day: date, balance: int,
           rate_ppm: int) -> Accrual:
    return Accrual(account_id, account_number, currency, day, balance, rate_ppm,
                   balance * rate_ppm)


@attrs.frozen
class InterestPosting:
    """One account's month: what it accrued, the carry in and out, and the paise posted."""

    account_id: UUID
    month: str  # "YYYY-MM"
    accrued: int  # the month's accruals, in 1/DENOMINATOR minor units
    carried_in: int  # the previous month's remainder
    amount: int  # minor units posted
    carried_out: int  # the remainder left for next month
    transfer_id: UUID | None = None  # None when it came to less than one minor unit


def post_month(account_id: UUID, month: str, accrued: int, carried_in: int) -> InterestPosting:
    amount, carried_out = divmod(carried_in + accrued, DENOMINATOR)
    return InterestPosting(account_id, month, accrued, carried_in, amount, carried_out)


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


_MONTH = re.compile(r"[1-9][0-9]{3}-(0[1-9]|1[0-2])")


def parse_month(text: str) -> tuple[date, date]:
    """'YYYY-MM' as its first day and the first day of the next month. One spelling only: a
    month is kept under it, and months are ordered by it (the carry goes from one to the next)."""
    if not _MONTH.fullmatch(text):
        raise ValidationError(f"month {text!r} must be YYYY-MM", field="month")
    year, month = int(text[:4]), int(text[5:])
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)
