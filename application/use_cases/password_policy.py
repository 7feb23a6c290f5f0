"""The password rules of OWASP ASVS: length matters, composition rules do not."""

from __future__ import annotations

from domain.errors import ValidationError

MIN_LENGTH = 8
MAX_LENGTH = 128


def check_password(password: str) -> None:
    """Refuse passwords that are too short or too long to be hashed sensibly."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            f"password must have at least {MIN_LENGTH} characters (15 or more is recommended)",
            field="password",
        )
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"password must have at most {MAX_LENGTH} characters",
                              field="password")
