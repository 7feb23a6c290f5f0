"""An idempotent request sent again: the same key must come with the same request (its
fingerprint), or it is refused; one rule for transfers, reversal proposals and standing orders."""

from __future__ import annotations

from domain.errors import IdempotencyConflict


def same_request(stored: str | None, given: str, what: str, **info: str) -> None:
    """Raises IdempotencyConflict when the key was first used for another `what`."""
    if stored != given:
        raise IdempotencyConflict(
            f"this Idempotency-Key was already used with a different {what}", **info)
