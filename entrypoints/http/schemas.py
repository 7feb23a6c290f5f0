"""Request bodies as attrs classes; the converter refuses unknown keys and loose types."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import attrs

from domain.dispute import DisputeReason
from domain.ledger import Channel
from domain.money import Money
from domain.reminder import ReminderStatus


@attrs.frozen
class RegisterBody:
    first_name: str
    last_name: str
    email: str
    phone_number: str
    password: str = attrs.field(repr=False)
    date_of_birth: date | None = None
    preferred_language: str = "en"
    aadhaar: str | None = attrs.field(default=None, repr=False)
    pan: str | None = None


@attrs.frozen
class SignUpCodeBody:
    """The second step of a sign-up: the number the first step answered, the mailed code."""

    customer_number: str
    code: str = attrs.field(repr=False)


@attrs.frozen
class PublicKeyBody:
    """A device's public key: base64 of SubjectPublicKeyInfo DER, or of the raw key."""

    algorithm: Literal["ed25519", "es256"]
    key: str


@attrs.frozen
class DeviceProofBody:
    """A nonce from POST /auth/device-challenge and the base64 signature over its message."""

    nonce: str = attrs.field(repr=False)
    signature: str = attrs.field(repr=False)


@attrs.frozen
class DeviceChallengeBody:
    customer_number: str
    device_identifier: str


@attrs.frozen
class DeviceBody:
    identifier: str
    fingerprint: str | None = None
    label: str | None = None
    platform: str | None = None
    public_key: PublicKeyBody | None = None
    proof: DeviceProofBody | None = None


@attrs.frozen
class LoginBody:
    customer_number: str
    method: Literal["password", "voice"] = "password"
    password: str | None = attrs.field(default=None, repr=False)
    voice_sample: str | None = attrs.field(default=None, repr=False)
    device: DeviceBody | None = None
    totp: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class SecondFactorLoginBody:
    login_ticket: str = attrs.field(repr=False)
    code: str | None = attrs.field(default=None, repr=False)
    recovery_code: str | None = attrs.field(default=None, repr=False)
    device: DeviceBody | None = None


@attrs.frozen
class PasswordBody:
    password: str = attrs.field(repr=False)


@attrs.frozen
class CodeBody:
    code: str = attrs.field(repr=False)


@attrs.frozen
class PasswordAndCodeBody:
    password: str = attrs.field(repr=False)
    code: str | None = attrs.field(default=None, repr=False)
    recovery_code: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class PasswordChangeBody:
    current_password: str = attrs.field(repr=False)
    new_password: str = attrs.field(repr=False)


@attrs.frozen
class PasswordResetBody:
    """Whose password to reset: the customer number a login names."""

    customer_number: str


@attrs.frozen
class PasswordResetConfirmBody:
    token: str = attrs.field(repr=False)
    new_password: str = attrs.field(repr=False)


@attrs.frozen
class StaffReasonBody:
    """Why a member of staff acts: required where the action is proposed for approval."""

    reason: str | None = None


@attrs.frozen
class KycBody:
    status: str
    reason: str | None = None


@attrs.frozen
class TransferBody:
    amount: Money
    to_account_number: str | None = None
    beneficiary_id: str | None = None
    description: str = ""
    channel: Channel = Channel.ONLINE
    # The client's own: unique among the customer's transfers that moved or hold money (a
    # blocked or voided one gives it back).
    reference: str | None = None
    metadata: dict[str, str] | None = None  # up to 16 pairs


@attrs.frozen
class ReversalBody:
    """Why, and how much (absent: all that is still reversible)."""

    reason: str
    amount: Money | None = None


@attrs.frozen
class DisputeBody:
    """Why the customer disputes a debit, in their words."""

    reason: DisputeReason
    description: str


@attrs.frozen
class DisputeResolutionBody:
    """How an operator resolves a case: a note for the customer, and for a refund the amount
    (absent: all that is still reversible)."""

    outcome: Literal["refunded", "rejected"]
    note: str
    amount: Money | None = None


@attrs.frozen
class StandingOrderBody:
    """A scheduled payment: once at `starts_at`, or on an RRULE from it until `ends_at`."""

    from_account_number: str
    amount: Money
    starts_at: datetime
    to_account_number: str | None = None
    beneficiary_id: str | None = None
    description: str = ""
    rrule: str | None = None
    ends_at: datetime | None = None
    reminder_id: str | None = None


@attrs.frozen
class OpenAccountBody:
    """An account the customer opens themselves, within their KYC tier."""

    account_type: Literal["savings", "current"]
    currency: str = "INR"
    branch_code: str | None = None


@attrs.frozen
class CashBody:
    """Cash paid in or out at the counter."""

    amount: Money
    description: str = ""


@attrs.frozen
class StatementBody:
    from_: date  # "from" in JSON: the converter renames it
    to: date
    format: Literal["json", "csv"] = "json"


@attrs.frozen
class RefreshBody:
    refresh_token: str = attrs.field(repr=False)


@attrs.frozen
class SetPinBody:
    pin: str = attrs.field(repr=False)
    password: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class VerifyPinBody:
    pin: str = attrs.field(repr=False)


@attrs.frozen
class BindDeviceBody:
    identifier: str
    fingerprint: str | None = None
    label: str | None = None
    platform: str | None = None
    voice_sample: str | None = attrs.field(default=None, repr=False)
    public_key: PublicKeyBody | None = None
    proof: DeviceProofBody | None = None
    totp: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class RenameDeviceBody:
    label: str


@attrs.frozen
class EnrolVoiceBody:
    samples: list[str] = attrs.field(repr=False)
    password: str | None = attrs.field(default=None, repr=False)
    pin: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class ChallengeBody:
    pin: str | None = attrs.field(default=None, repr=False)
    totp: str | None = attrs.field(default=None, repr=False)
    voice_sample: str | None = attrs.field(default=None, repr=False)
    device_proof: DeviceProofBody | None = None


@attrs.frozen
class BeneficiaryChanges:
    name: str | None = None
    phone: str | None = None
    bank_name: str | None = None
    nickname: str | None = None
    favourite: bool | None = None


@attrs.frozen
class ReminderStatusBody:
    status: ReminderStatus


@attrs.frozen
class ProfileChangesBody:
    """PATCH /me: only the fields given change; email or phone_number (one at a time, with the
    password) waits for the code sent to the new address. The password is also needed for a
    preferred_language no recogniser hears where the bank then takes an authenticator code in
    place of the spoken digits (VAANI_VOICE_UNHEARD_LANGUAGE=second-factor)."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    preferred_language: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
