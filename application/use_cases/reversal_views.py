"""What operators and customers see of reversals: the queue, one reversal, a transfer's."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from application.ownership import owned
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from domain.errors import ReversalNotFound, TransferNotFound
from domain.money import Money
from domain.reversal import Reversal, ReversalStatus, reversible
from domain.transfer import Transfer


@attrs.frozen
class ReversalsOf:
    """A transfer's side of its reversals: those of it, what remains reversible, and the
    original it reverses when it is itself a reversal."""

    reversals: list[Reversal]
    reversible: Money
    reverses: UUID | None
    now: datetime


def reversals_of(uow: UnitOfWork, transfer: Transfer, now: datetime) -> ReversalsOf:
    found = uow.reversals.of_transfer(transfer.id)
    compensates = uow.reversals.by_compensating_transfer(transfer.id)
    return ReversalsOf(found, reversible(transfer, found, now),
                       compensates.transfer_id if compensates else None, now)


class ListReversals:
    """The operators' view: proposals newest first, filtered by status; one by id; a
    transfer's reversals (a customer sees only their own transfer's)."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def page(self, status: ReversalStatus | None, after: tuple[datetime, UUID] | None,
             limit: int) -> tuple[list[Reversal], datetime]:
        now = self._clock.now()
        with self._uow_factory() as uow:
            return uow.reversals.page(status=status, now=now, after=after, limit=limit), now

    def get(self, reversal_id: UUID) -> tuple[Reversal, datetime]:
        with self._uow_factory() as uow:
            found = uow.reversals.get(reversal_id)
        if found is None:
            raise ReversalNotFound("no such reversal", reversal_id=str(reversal_id))
        return found, self._clock.now()

    def of_transfer(self, customer_id: UUID | None, transfer_id: UUID) -> ReversalsOf:
        with self._uow_factory() as uow:
            transfer = owned(uow.transfers.get(transfer_id), customer_id,
                             TransferNotFound("no such transfer", transfer_id=str(transfer_id)))
            return reversals_of(uow, transfer, self._clock.now())
