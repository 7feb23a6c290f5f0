"""A self-service sign-up waiting for the code that proves its email: not a customer yet (it
holds no email or phone from anyone), and gone after fifteen minutes or five wrong codes."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from uuid import UUID

import attrs

from domain.errors import ValidationError

SIGN_UP_LIFETIME = timedelta(minutes=15)
MAX_CODE_ATTEMPTS = 5  # with six digits: one chance in 200,000 of guessing a sign-up's code
CODE_DIGITS = 6

_CODE = re.compile(rf"[0-9]{{{CODE_DIGITS}}}")


def check_sign_up_code(code: str) -> None:
    if not _CODE.fullmatch(code):
        raise ValidationError(f"the code must be {CODE_DIGITS} digits", field="code")


@attrs.frozen
class PendingSignUp:
    """The details of a sign-up as the customer will have them, the customer number and id
    the bank gave it, the argon2 hashes of its password and of the code mailed to it, and the
    attempts at that code so far (counted before each comparison)."""

    id: UUID  # the customer's id, once the code confirms the sign-up
    customer_number: str
    first_name: str
    last_name: str
    email: str
    phone_number: str
    password_hash: str = attrs.field(repr=False)
    code_hash: str = attrs.field(repr=False)
    created_at: datetime
    expires_at: datetime
    date_of_birth: date | None = None
    preferred_language: str = "en"
    aadhaar_last4: str | None = None
    pan: str | None = None
    attempts: int = 0

    def open_to_attempts(self, now: datetime) -> bool:
        return now < self.expires_at and self.attempts < MAX_CODE_ATTEMPTS
