"""A change of the customer's email or phone, waiting for the code sent to the new address;
and the placeholders an erased customer's contact fields take."""

from __future__ import annotations

import enum
import hashlib
import hmac
from datetime import datetime, timedelta
from uuid import UUID

import attrs

from domain.errors import ValidationError

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=15)  # long enough to read a mail, short enough to guess nothing
# An erased customer's phone number: country code 000 is assigned to no country (ITU-T E.164),
# so no message can ever be delivered to it; the customer number makes it unique.
ERASED_PHONE_PREFIX = "+000"
# RFC 2606 reserves the `.invalid` top-level domain: no mail to it can reach anyone.
ERASED_EMAIL_DOMAIN = "invalid"


class ContactField(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone_number"


def normalise_email(text: str) -> str:
    return text.strip().lower()


def normalise_phone(text: str) -> str:
    return text.strip().replace(" ", "")


def code_from_secret(secret: str) -> str:
    """Six digits from a random secret (IdGenerator.new_secret, 256 bits): the bias of a
    256-bit number taken modulo a million is far below anything a guesser could use."""
    number = int.from_bytes(hashlib.sha256(secret.encode()).digest(), "big")
    return f"{number % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def check_code(code: str) -> None:
    if len(code) != CODE_DIGITS or not code.isascii() or not code.isdigit():
        raise ValidationError(f"the code must be {CODE_DIGITS} digits", field="code")


def code_hash(customer_id: UUID, field: ContactField, value: str, code: str) -> str:
    """What is stored of a code: bound to the customer and to the address it was sent to, so a
    code can only ever confirm the change it was sent for."""
    return hashlib.sha256(f"{customer_id}|{field.value}|{value}|{code}".encode()).hexdigest()


@attrs.frozen
class ContactChange:
    """A new email or phone number the customer asked for: it replaces the current one only
    when the code sent to it comes back before `expires_at` (single use: the change is dropped
    once applied)."""

    field: ContactField
    value: str
    code_hash: str = attrs.field(repr=False)
    expires_at: datetime

    def usable(self, now: datetime) -> bool:
        return now < self.expires_at

    def matches(self, customer_id: UUID, code: str) -> bool:
        return hmac.compare_digest(code_hash(customer_id, self.field, self.value, code),
                                   self.code_hash)


def erased_email(customer_id: UUID) -> str:
    return f"erased+{customer_id.hex}@{ERASED_EMAIL_DOMAIN}"


def erased_phone(customer_number: str) -> str:
    return ERASED_PHONE_PREFIX + customer_number
