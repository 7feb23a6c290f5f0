"""The base of every domain error: a stable `code` clients and operators can rely on, a
message for people, and details (`info`)."""

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
