"""Customers of the bank and the roles that decide what they may reach."""

from __future__ import annotations

import enum
import re
from datetime import date, datetime
from uuid import UUID

import attrs

from domain.errors import ValidationError


class Role(enum.StrEnum):
    CUSTOMER = "customer"
    OPERATOR = "operator"
    ADMIN = "admin"


class KycStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9]{10,15}")
_NAME = re.compile(r"[^\x00-\x1f]{1,100}")


def check_profile(first_name: str, last_name: str, email: str, phone_number: str) -> None:
    """Refuse profile fields a bank could not use to reach or identify a person."""
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if not _NAME.fullmatch(value) or not value.strip():
            raise ValidationError(f"{field} must be 1-100 printable characters", field=field)
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise ValidationError("email is not a valid address", field="email")
    if not _PHONE.fullmatch(phone_number):
        raise ValidationError("phone_number must be 10-15 digits", field="phone_number")


@attrs.define(eq=False)
class Customer:
    """A person (or staff member) known to the bank."""

    id: UUID
    customer_number: str
    first_name: str
    last_name: str
    email: str
    phone_number: str
    password_hash: str
    role: Role
    created_at: datetime
    kyc_status: KycStatus = KycStatus.PENDING
    preferred_language: str = "en"
    date_of_birth: date | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
