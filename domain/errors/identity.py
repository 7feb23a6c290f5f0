"""Errors of identity and staff: who is asking, how they prove it, and what staff may do."""

from __future__ import annotations

from domain.errors.base import DomainError


class InvalidCredentials(DomainError):
    code = "invalid_credentials"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class CustomerExists(DomainError):
    code = "customer_exists"


class AccountLocked(DomainError):
    code = "account_locked"


class RateLimited(DomainError):
    code = "rate_limited"


class SessionNotFound(DomainError):
    code = "session_not_found"


class PinNotSet(DomainError):
    code = "pin_not_set"


class PinInvalid(DomainError):
    code = "pin_invalid"


class PinBlocked(DomainError):
    code = "pin_blocked"


class FactorTooRecent(Unauthorized):
    """A right answer from a second factor created or replaced too recently to count beside
    the password, which alone can create one (`info.reason` "<factor>_too_recent",
    `info.usable_from`): a refusal that is no wrong answer, so a held payment stays held."""


class PinTooRecent(FactorTooRecent):
    """The UPI PIN was set or changed too recently (`info.reason` "pin_too_recent")."""


class TotpTooRecent(FactorTooRecent):
    """The authenticator was turned on too recently (`info.reason` "totp_too_recent")."""


class VoiceTooRecent(FactorTooRecent):
    """The voice was enrolled (or enrolled again) too recently (`info.reason`
    "voice_too_recent")."""


class DeviceNotFound(DomainError):
    code = "device_not_found"


class DeviceNotTrusted(DomainError):
    code = "device_not_trusted"


class VoiceVerificationFailed(DomainError):
    code = "voice_verification_failed"


class VoiceReplayDetected(DomainError):
    code = "voice_replay_detected"


class VoiceNotEnrolled(DomainError):
    code = "voice_not_enrolled"


class VoiceDisabled(DomainError):
    code = "voice_disabled"


class VoiceTooSoon(DomainError):
    code = "voice_attempt_too_soon"


class SpokenChallengeFailed(DomainError):
    """The digits heard in a voice answer were not the ones issued with its nonce."""

    code = "spoken_challenge_failed"


class VoiceUnavailable(DomainError):
    """Voice answers need a recogniser for the customer's language, and there is none."""

    code = "voice_unavailable"


class SameOperator(DomainError):
    """Maker-checker: the maker of a proposal can never be its checker."""

    code = "same_operator"


class SecondFactorInvalid(DomainError):
    """An authenticator or recovery code that is wrong, expired or used already."""

    code = "second_factor_invalid"


class TotpNotEnabled(DomainError):
    code = "totp_not_enabled"


class TotpAlreadyEnabled(DomainError):
    code = "totp_already_enabled"


class LoginTicketInvalid(DomainError):
    """The second step of a login named a ticket that is unknown, spent or expired."""

    code = "login_ticket_invalid"


class SecondFactorRequired(DomainError):
    """A login needs its second step (a code) before it gets a session."""

    code = "second_factor_required"


class ProposalNotFound(DomainError):
    code = "proposal_not_found"


class ProposalDecided(DomainError):
    code = "proposal_decided"


class ProposalExpired(DomainError):
    code = "proposal_expired"


class ContactCodeInvalid(DomainError):
    """The code confirming a new email or phone is wrong (counted towards a lockout)."""

    code = "contact_code_invalid"


class ContactChangeNotPending(DomainError):
    """No change of email or phone waits for a code: none asked, expired, or applied already."""

    code = "contact_change_not_pending"


class ContactChangeFailed(DomainError):
    """The new email or phone cannot be taken; said without telling whether someone holds it."""

    code = "contact_change_failed"


class ErasureRefused(DomainError):
    """Erasure needs every account at zero with nothing held; `accounts` names the others."""

    code = "erasure_refused"


class ResetTokenInvalid(DomainError):
    """A password reset named a token that is unknown, used, expired or superseded by a
    newer request: one answer for all four, so the token tells nothing more."""

    code = "reset_token_invalid"


class SignUpCodeInvalid(DomainError):
    """A sign-up's code that is wrong, expired, or for a sign-up that does not wait for one
    (unknown, confirmed already, or out of attempts): one answer for all."""

    code = "signup_code_invalid"
