"""Beneficiaries: the payees a customer saves, by account number and IFSC, or by UPI id."""

from __future__ import annotations

import re
from datetime import datetime
from uuid import UUID

import attrs

from domain.errors import ValidationError

_IFSC = re.compile(r"[A-Z]{4}0[A-Z0-9]{6}")
_UPI = re.compile(r"[A-Za-z0-9.\-_]{2,256}@[A-Za-z][A-Za-z0-9]{1,63}")
_ACCOUNT = re.compile(r"[0-9]{9,18}")
_PHONE = re.compile(r"\+?[0-9]{10,15}")


@attrs.define(eq=False)
class Beneficiary:
    id: UUID
    customer_id: UUID
    name: str
    created_at: datetime
    account_number: str | None = None
    ifsc: str | None = None
    upi_id: str | None = None
    phone: str | None = None
    bank_name: str | None = None
    nickname: str | None = None
    favourite: bool = False

    def check(self) -> None:
        """A payee the bank can pay: account number with IFSC, or a UPI id."""
        if not (1 <= len(self.name.strip()) <= 100 and self.name.isprintable()):
            raise ValidationError("name must be 1-100 printable characters", field="name")
        if self.account_number is None and self.upi_id is None:
            raise ValidationError("give account_number with ifsc, or upi_id", field="account_number")
        if self.account_number is not None:
            if not _ACCOUNT.fullmatch(self.account_number):
                raise ValidationError("account_number must be 9-18 digits", field="account_number")
            if self.ifsc is None or not _IFSC.fullmatch(self.ifsc):
                raise ValidationError("ifsc must look like SBIN0001234", field="ifsc")
        elif self.ifsc is not None:
            raise ValidationError("ifsc goes with an account_number", field="ifsc")
        if self.upi_id is not None and not _UPI.fullmatch(self.upi_id):
            raise ValidationError("upi_id must look like name@bank", field="upi_id")
        if self.phone is not None and not _PHONE.fullmatch(self.phone):
            raise ValidationError("phone must be 10-15 digits", field="phone")
        for field, value, limit in (("bank_name", self.bank_name, 100),
                                    ("nickname", self.nickname, 40)):
            if value is not None and not (1 <= len(value) <= limit and value.isprintable()):
                raise ValidationError(f"{field} must be 1-{limit} printable characters",
                                      field=field)
