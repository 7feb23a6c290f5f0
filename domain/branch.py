"""Branches: reference data, shown with the accounts they hold."""

from __future__ import annotations

import attrs


@attrs.frozen
class OwnBank:
    """This bank, as IFSC codes name it: their first four letters are the bank's code."""

    code: str = "VAAN"

    def holds(self, ifsc: str | None) -> bool:
        """Whether an account with this IFSC is kept by this bank (not by another bank)."""
        return ifsc is not None and ifsc[:4] == self.code


@attrs.frozen
class Branch:
    code: str
    name: str
    ifsc: str
    city: str
    address: str
