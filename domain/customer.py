"""Customers of the bank and the roles that decide what they may reach."""

from __future__ import annotations

import enum
import itertools
import re
from datetime import date, datetime, timedelta
from uuid import UUID

import attrs

from domain.contact_change import ContactChange, erased_email, erased_phone
from domain.errors import ValidationError


class Role(enum.StrEnum):
    CUSTOMER = "customer"
    OPERATOR = "operator"
    TELLER = "teller"  # a branch's cashier: takes and pays out cash at the counter
    ADMIN = "admin"


class RiskSegment(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class KycStatus(enum.StrEnum):
    """The customer's KYC tier: what they may do is set by domain/kyc.py."""

    PENDING = "pending"  # not verified yet: receives money, opens and pays nothing
    MIN = "min"  # minimum KYC (e.g. OTP e-KYC): a small balance and small daily payments
    FULL = "full"  # verified in full: no KYC limit
    REJECTED = "rejected"  # verification failed: receives money only


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9]{10,15}")
_NAME = re.compile(r"[^\x00-\x1f]{1,100}")



# Joiners shape Indic scripts and stay allowed; other invisible format characters (such as
# right-to-left overrides) could disguise a name on a statement, so they are refused.
_JOINERS = {"\u200c", "\u200d"}
ERASED_NAME = "Erased"
ERASED_PASSWORD_HASH = "!erased"  # noqa: S105 -- no hasher makes it: nothing verifies against it


def _plain_text(value: str) -> bool:
    return all(ch.isprintable() or ch in _JOINERS for ch in value)


def check_profile(first_name: str, last_name: str, email: str, phone_number: str) -> None:
    """Refuse profile fields a bank could not use to reach or identify a person."""
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if not _NAME.fullmatch(value) or not value.strip() or not _plain_text(value):
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
    risk_segment: RiskSegment = RiskSegment.LOW
    aadhaar_last4: str | None = None
    pan: str | None = None
    upi_pin_hash: str | None = attrs.field(default=None, repr=False)
    pin_failures: int = 0
    pin_blocked_until: datetime | None = None
    pin_set_at: datetime | None = None  # when the UPI PIN was last set or changed
    disabled_at: datetime | None = None  # a member of staff who left: no new session, ever
    contact_change: ContactChange | None = None  # a new email or phone awaiting its code
    erased_at: datetime | None = None  # personal data erased at the customer's request

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None

    @property
    def erased(self) -> bool:
        return self.erased_at is not None

    def erase(self, now: datetime) -> None:
        """Pseudonymise what identifies or reaches the person; keep the customer number (the
        ledger, the transfers and the audit trail name them by it and must stay provable). No
        password can match the hash left, and `disabled_at` refuses every new session."""
        self.first_name = self.last_name = ERASED_NAME
        self.email, self.phone_number = erased_email(self.id), erased_phone(self.customer_number)
        self.password_hash = ERASED_PASSWORD_HASH
        self.date_of_birth = self.aadhaar_last4 = self.pan = self.upi_pin_hash = None
        self.pin_failures, self.pin_blocked_until, self.pin_set_at = 0, None, None
        self.contact_change = None
        self.disabled_at = self.disabled_at or now
        self.erased_at = now

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def roles(self) -> tuple[Role, ...]:
        """An admin may do what an operator may; operators are not customers of their own."""
        return (Role.ADMIN, Role.OPERATOR) if self.role is Role.ADMIN else (self.role,)

    def set_pin(self, pin_hash: str, now: datetime) -> None:
        """A new UPI PIN (first or replacing one), with a fresh count of attempts."""
        self.upi_pin_hash, self.pin_set_at = pin_hash, now
        self.record_pin_success()

    def pin_blocked(self, now: datetime) -> bool:
        return self.pin_blocked_until is not None and now < self.pin_blocked_until

    def reserve_pin_attempt(self, now: datetime, policy: PinPolicy) -> int | None:
        """Count a PIN attempt as wrong before the PIN is compared (a right PIN then calls
        `record_pin_success`), so parallel attempts cannot outrun the block: returns the
        attempt's number (the one numbered `max_failures` blocks at once), or None while
        blocked."""
        if self.pin_blocked(now):
            return None
        if self.pin_blocked_until is not None:
            self.pin_failures, self.pin_blocked_until = 0, None  # the block has run out
        self.pin_failures += 1
        if self.pin_failures >= policy.max_failures:
            self.pin_blocked_until = now + policy.block_for
        return self.pin_failures

    def record_pin_success(self) -> None:
        self.pin_failures, self.pin_blocked_until = 0, None

    def settle_right_pin(self, attempt: int, now: datetime) -> bool:
        """A reserved PIN attempt (numbered `attempt`) whose PIN was right, decided against the
        count as it stands now: True, ending the count, when nothing was counted after it;
        False while others' attempts counted since have blocked PIN use (a right PIN never
        lifts a block it did not set); else True, taking back only its own count."""
        if self.pin_failures == attempt:
            self.record_pin_success()
            return True
        if self.pin_blocked(now):
            return False
        self.pin_failures = max(0, self.pin_failures - 1)
        return True


@attrs.frozen
class PinPolicy:
    max_failures: int = 3
    block_for: timedelta = timedelta(hours=24)
    # A second factor newer than this (this PIN, and an authenticator or a voice alike) is not
    # yet one beside the password where it stands alone: a held payment, voice re-enrolment.
    settles_after: timedelta = timedelta(hours=24)


_PIN = re.compile(r"[0-9]{4}|[0-9]{6}")


def check_pin(pin: str) -> None:
    """4 or 6 digits, and not one anybody would guess first."""
    if not _PIN.fullmatch(pin):
        raise ValidationError("the UPI PIN must be 4 or 6 digits", field="pin")
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    if len(set(pin)) == 1 or steps in ({1}, {-1}):
        raise ValidationError("the UPI PIN is too easy to guess (repeated or sequential digits)",
                              field="pin")
