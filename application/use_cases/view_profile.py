"""The calling customer's own profile."""

from __future__ import annotations

from uuid import UUID

from application.ports import UnitOfWork, UnitOfWorkFactory
from domain.customer import Customer
from domain.errors import Unauthorized


def own_customer(uow: UnitOfWork, customer_id: UUID, *, lock: bool = False) -> Customer:
    """The caller, whose session was checked: gone only if erased or removed meanwhile."""
    found = uow.customers.lock(customer_id) if lock else uow.customers.get(customer_id)
    if found is None or found.erased:
        raise Unauthorized("unknown customer")
    return found


class ViewProfile:
    """What the bank holds as the customer's profile (GET /me): the same view staff see."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, customer_id: UUID) -> Customer:
        with self._uow_factory() as uow:
            return own_customer(uow, customer_id)
