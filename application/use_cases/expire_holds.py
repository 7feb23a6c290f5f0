"""Holds whose time has run out, voided in batches (cron: `vaani review expire`)."""

from __future__ import annotations

from uuid import UUID

from application.context import RequestContext
from application.holds import HoldKeeper
from application.ports import Clock, UnitOfWorkFactory
from domain.transfer import Transfer


def _id(transfer: Transfer) -> UUID:
    return transfer.id


class ExpireHolds:
    """Void every hold whose time has run out. Idempotent: safe to run from cron, twice."""

    def __init__(self, uow_factory: UnitOfWorkFactory, holds: HoldKeeper, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._holds = holds
        self._clock = clock

    def execute(self, context: RequestContext, batch: int = 100) -> int:
        voided = 0
        while True:
            with self._uow_factory(write=True) as uow:
                due = uow.transfers.holding(expired_by=self._clock.now(), limit=batch)
                # Locked in id order: two runners' overlapping batches cannot deadlock.
                held = [t for t in (uow.transfers.lock(c.id) for c in sorted(due, key=_id))
                        if t is not None and t.status.holds_funds]
                # A batch takes its locks as one posting would (PostgreSQL): the transfers, then
                # all their accounts at once in the database's order, then each payer's profile
                # as its hold is given back; one account at a time could meet a payment from
                # the same customer's other account taking them the other way round.
                if held:
                    uow.accounts.lock([t.from_account_number for t in held])
                for transfer in held:
                    self._holds.void(uow, transfer, context, "expired")
                    voided += 1
                uow.commit()
            if len(due) < batch:
                return voided
