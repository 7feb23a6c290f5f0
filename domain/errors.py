"""Domain errors: each carries a stable `code` that clients and operators can rely on."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the bank was broken; `code` is stable, `message` is for people."""

    code = "domain_error"

    def __init__(self, message: str, **info: Any) -> None:
        super().__init__(message)
        self.message = message
        self.info = info


class ValidationError(DomainError):
    code = "validation_error"


class InvalidCredentials(DomainError):
    code = "invalid_credentials"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class CustomerExists(DomainError):
    code = "customer_exists"


class CustomerNotFound(DomainError):
    code = "customer_not_found"


class AccountNotFound(DomainError):
    code = "account_not_found"


class InsufficientFunds(DomainError):
    code = "insufficient_funds"


class AccountFrozen(DomainError):
    code = "account_frozen"


class AccountClosed(DomainError):
    code = "account_closed"


class AccountNotEmpty(DomainError):
    code = "account_not_empty"


class CurrencyMismatch(DomainError):
    code = "currency_mismatch"


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"


class TransferNotFound(DomainError):
    code = "transfer_not_found"


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


class TransferBlocked(DomainError):
    code = "transfer_blocked"


class TransferNotHeld(DomainError):
    code = "transfer_not_held"


class ChallengeFailed(DomainError):
    code = "challenge_failed"


class BeneficiaryNotFound(DomainError):
    code = "beneficiary_not_found"


class CardNotFound(DomainError):
    code = "card_not_found"


class CardStateError(DomainError):
    code = "card_state"


class ReminderNotFound(DomainError):
    code = "reminder_not_found"


class ChannelNotAllowed(DomainError):
    code = "channel_not_allowed"


class AuditTrailBroken(DomainError):
    code = "audit_trail_broken"


class ReversalNotFound(DomainError):
    code = "reversal_not_found"


class ReversalNotAllowed(DomainError):
    code = "reversal_not_allowed"


class ReversalDecided(DomainError):
    code = "reversal_decided"


class ReversalExpired(DomainError):
    code = "reversal_expired"


class SameOperator(DomainError):
    """Maker-checker: the maker of a proposal can never be its checker."""

    code = "same_operator"


class DisputeNotFound(DomainError):
    code = "dispute_not_found"


class DisputeNotAllowed(DomainError):
    code = "dispute_not_allowed"


class DisputeExists(DomainError):
    code = "dispute_exists"


class DisputeStateError(DomainError):
    code = "dispute_state"


class StandingOrderNotFound(DomainError):
    code = "standing_order_not_found"


class StandingOrderStateError(DomainError):
    code = "standing_order_state"


class TillClosed(DomainError):
    code = "till_closed"


class KycRequired(DomainError):
    code = "kyc_required"


class KycLimitExceeded(DomainError):
    code = "kyc_limit"


class ReferenceTaken(DomainError):
    """The customer already named another transfer with this reference."""

    code = "reference_taken"


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
