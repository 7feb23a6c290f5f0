"""Branches: reference data, shown with the accounts they hold."""

from __future__ import annotations

import attrs


@attrs.frozen
class Branch:
    code: str
    name: str
    ifsc: str
    city: str
    address: str
