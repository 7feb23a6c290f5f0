"""The one table mapping domain error codes to HTTP status and CLI exit code."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import attrs

from domain.errors import DomainError
from domain.timestamps import rfc3339


@attrs.frozen
class Outcome:
    http_status: int
    exit_code: int


# Exit codes: 2 bad input, 3 not found, 4 refused by a banking rule, 5 conflict, 6 auth.
ERRORS: dict[str, Outcome] = {
    "validation_error": Outcome(422, 2),
    "currency_mismatch": Outcome(422, 2),
    "invalid_credentials": Outcome(401, 6),
    "unauthorized": Outcome(401, 6),
    "forbidden": Outcome(403, 6),
    "account_locked": Outcome(423, 6),
    "customer_not_found": Outcome(404, 3),
    "account_not_found": Outcome(404, 3),
    "transfer_not_found": Outcome(404, 3),
    "not_found": Outcome(404, 3),
    "method_not_allowed": Outcome(405, 2),
    "insufficient_funds": Outcome(409, 4),
    "account_frozen": Outcome(409, 4),
    "account_closed": Outcome(409, 4),
    "account_not_empty": Outcome(409, 4),
    "idempotency_conflict": Outcome(409, 5),
    "customer_exists": Outcome(409, 5),
    "payload_too_large": Outcome(413, 2),
    "unsupported_media_type": Outcome(415, 2),
    "rate_limited": Outcome(429, 7),
    "not_ready": Outcome(503, 8),
    "session_not_found": Outcome(404, 3),
    "pin_not_set": Outcome(409, 4),
    "pin_invalid": Outcome(401, 6),
    "pin_blocked": Outcome(423, 6),
    "device_not_found": Outcome(404, 3),
    "device_not_trusted": Outcome(403, 6),
    "voice_verification_failed": Outcome(401, 6),
    "voice_replay_detected": Outcome(401, 6),
    "voice_not_enrolled": Outcome(409, 4),
    "voice_disabled": Outcome(423, 6),
    "voice_attempt_too_soon": Outcome(429, 7),
    "spoken_challenge_failed": Outcome(401, 6),
    "voice_unavailable": Outcome(403, 6),
    "transfer_blocked": Outcome(403, 4),
    "beneficiary_not_found": Outcome(404, 3),
    "card_not_found": Outcome(404, 3),
    "reminder_not_found": Outcome(404, 3),
    "card_state": Outcome(409, 4),
    "transfer_not_held": Outcome(409, 4),
    "reversal_not_found": Outcome(404, 3),
    "reversal_not_allowed": Outcome(409, 4),
    "reversal_decided": Outcome(409, 5),
    "reversal_expired": Outcome(409, 4),
    "same_operator": Outcome(403, 6),
    "proposal_not_found": Outcome(404, 3),
    "proposal_decided": Outcome(409, 5),
    "proposal_expired": Outcome(409, 4),
    "dispute_not_found": Outcome(404, 3),
    "webhook_not_found": Outcome(404, 3),
    "webhook_rotation_pending": Outcome(409, 5),
    "webhook_delivery_in_flight": Outcome(409, 5),
    "dispute_not_allowed": Outcome(409, 4),
    "dispute_exists": Outcome(409, 5),
    "dispute_state": Outcome(409, 4),
    "standing_order_not_found": Outcome(404, 3),
    "standing_order_state": Outcome(409, 4),
    "till_closed": Outcome(409, 4),
    "kyc_required": Outcome(403, 4),
    "kyc_limit": Outcome(409, 4),
    "reference_taken": Outcome(409, 5),
    "challenge_failed": Outcome(401, 6),
    "second_factor_invalid": Outcome(401, 6),
    "totp_not_enabled": Outcome(409, 4),
    "totp_already_enabled": Outcome(409, 5),
    "login_ticket_invalid": Outcome(401, 6),
    "second_factor_required": Outcome(401, 6),
    "reset_token_invalid": Outcome(400, 6),
    "signup_code_invalid": Outcome(400, 6),
    "channel_not_allowed": Outcome(422, 2),
    "contact_code_invalid": Outcome(422, 2),
    "contact_change_not_pending": Outcome(409, 4),
    "contact_change_failed": Outcome(409, 4),
    "erasure_refused": Outcome(409, 4),
    "audit_trail_broken": Outcome(409, 1),  # as `vaani audit verify` exits on a break
    "internal_error": Outcome(500, 1),
}


def outcome_of(code: str) -> Outcome:
    return ERRORS.get(code, ERRORS["internal_error"])


def http_status_of(error: DomainError) -> int:
    return outcome_of(error.code).http_status


def exit_code_of(error: DomainError) -> int:
    return outcome_of(error.code).exit_code


def envelope(request_id: str, code: str, message: str, info: dict[str, Any] | None = None,
             locale: str = "en-IN") -> dict[str, Any]:
    """The error body of API.md, identical for every 4xx and 5xx."""
    return {
        "meta": {"requestId": request_id, "timestamp": rfc3339(datetime.now(UTC)), "locale": locale},
        "error": {"code": code, "message": message, "info": info or {}},
    }
