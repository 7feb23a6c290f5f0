"""The one rule for reaching a customer's things: someone else's is simply not found (404),
never forbidden, so nothing can be enumerated. An operator (customer_id None) reaches all."""

from __future__ import annotations

from typing import Protocol, TypeVar
from uuid import UUID

from domain.errors import DomainError


class Owned(Protocol):
    @property
    def customer_id(self) -> UUID | None: ...


T = TypeVar("T", bound=Owned)


def owned(found: T | None, customer_id: UUID | None, missing: DomainError) -> T:
    if found is None or (customer_id is not None and found.customer_id != customer_id):
        raise missing
    return found
