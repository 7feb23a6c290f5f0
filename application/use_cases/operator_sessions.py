"""A customer's sessions as staff see and end them (a stolen phone, a call to the bank)."""

from __future__ import annotations

from uuid import UUID

from application.context import RequestContext
from application.ports import Clock, UnitOfWorkFactory
from application.use_cases.manage_sessions import RevokeSessions
from domain.errors import CustomerNotFound
from domain.session import Session


class OperateSessions:
    """The same endings as the customer's own (RevokeSessions), audited with the member of
    staff as the actor."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock,
                 revoke: RevokeSessions) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._revoke = revoke

    def _customer_id(self, number: str) -> UUID:
        with self._uow_factory() as uow:
            found = uow.customers.by_number(number)
        if found is None:
            raise CustomerNotFound(f"customer {number} not found", customer_number=number)
        return found.id

    def sessions(self, number: str) -> list[Session]:
        now = self._clock.now()
        customer_id = self._customer_id(number)
        with self._uow_factory() as uow:
            return [s for s in uow.sessions.of_customer(customer_id) if s.is_active(now)]

    def end(self, number: str, session_id: UUID | None, context: RequestContext) -> int:
        """End one session (None: all of them); answers how many ended."""
        customer_id = self._customer_id(number)
        if session_id is None:
            return self._revoke.all(customer_id, context)
        self._revoke.one(customer_id, session_id, context, "ended_by_staff")
        return 1
