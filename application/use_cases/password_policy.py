"""The password rules of OWASP ASVS 5.0: length matters, composition rules do not, and the
passwords everybody tries first are refused."""

from __future__ import annotations

import functools
import gzip
from importlib import resources

from domain.customer import Customer
from domain.errors import ValidationError
from domain.passwords import (
    MAX_LENGTH,
    MAX_TYPED_LENGTH,
    MIN_LENGTH,
    prepare_password,
    unusable_password_reason,
)


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


def new_password_for(customer: Customer, typed: str, field: str = "new_password") -> str:
    """A customer's new password, prepared and held to the rules registration applies (their
    own email, phone and customer number refused too); raises ValidationError naming `field`."""
    if len(typed) > MAX_TYPED_LENGTH:
        raise ValidationError(f"password must have at most {MAX_LENGTH} characters", field=field)
    prepared = prepare_password(typed)
    phone = customer.phone_number
    try:
        check_password(prepared, customer.email, customer.email.split("@")[0], phone,
                       phone.lstrip("+"), customer.customer_number)
    except ValidationError as error:
        raise ValidationError(error.message, **{**error.info, "field": field}) from None
    return prepared
