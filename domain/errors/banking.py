"""Errors of banking: accounts, money, transfers and the operations on them."""

from __future__ import annotations

from domain.errors.base import DomainError


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


class WebhookNotFound(DomainError):
    code = "webhook_not_found"


class WebhookRotationPending(DomainError):
    """The endpoint's previous secret still signs (the overlap after its last rotation): a
    second rotation now would drop it while receivers may still verify with it."""

    code = "webhook_rotation_pending"


class WebhookDeliveryInFlight(DomainError):
    """A dispatcher is sending the delivery now: a replay waits until that try is written."""

    code = "webhook_delivery_in_flight"
