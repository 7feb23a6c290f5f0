"""What customers and operators see of disputes: a customer's own, the operators' queue."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.ownership import owned
from application.ports import Clock, UnitOfWorkFactory
from domain.dispute import Dispute, DisputeStatus
from domain.errors import DisputeNotFound


class ListDisputes:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def mine(self, customer_id: UUID, limit: int) -> tuple[list[Dispute], datetime]:
        with self._uow_factory() as uow:
            return uow.disputes.of_customer(customer_id, limit), self._clock.now()

    def get(self, customer_id: UUID | None, dispute_id: UUID) -> tuple[Dispute, datetime]:
        """A customer reaches only their own (someone else's is not found); operators all."""
        with self._uow_factory() as uow:
            found = owned(uow.disputes.get(dispute_id), customer_id,
                          DisputeNotFound("no such dispute", dispute_id=str(dispute_id)))
        return found, self._clock.now()

    def queue(self, status: DisputeStatus | None, overdue: bool,
              after: tuple[datetime, UUID] | None,
              limit: int) -> tuple[list[Dispute], datetime]:
        """Cases by deadline, soonest first; `overdue`: only those past it, unresolved."""
        now = self._clock.now()
        with self._uow_factory() as uow:
            return uow.disputes.page(status=status, overdue_at=now if overdue else None,
                                     after=after, limit=limit), now
