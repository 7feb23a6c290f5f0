"""The password rules of OWASP ASVS 5.0: length matters, composition rules do not, and the
passwords everybody tries first are refused."""

from __future__ import annotations

import functools
import gzip
from importlib import resources

from domain.errors import ValidationError
from domain.passwords import MAX_LENGTH, MIN_LENGTH, unusable_password_reason


@functools.cache
def common_passwords() -> frozenset[str]:
    """19,640 common passwords (Django's list, BSD licence: see data/COMMON-PASSWORDS-LICENSE)."""
    raw = resources.files("application.data").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip().lower() for line in gzip.decompress(raw).decode().splitlines())


def check_password(password: str, *personal: str) -> None:
    """Refuse passwords (prepared by `domain.passwords.prepare_password`) that are too short,
    too long, blank, invisible in part, common, or just the customer's details."""
    if (reason := unusable_password_reason(password)) is not None:
        raise ValidationError(reason, field="password")
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            f"password must have at least {MIN_LENGTH} characters (15 or more is recommended)",
            field="password")
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"password must have at most {MAX_LENGTH} characters",
                              field="password")
    lowered = password.strip().lower()
    if lowered in common_passwords():
        raise ValidationError("this password is one of the most common ones; choose another "
                              "(a passphrase of 15+ characters is best)", field="password")
    if any(lowered == p.lower() for p in personal if p):
        raise ValidationError("the password must not be your email, phone or customer number",
                              field="password")
