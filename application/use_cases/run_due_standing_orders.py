"""Paying standing orders from cron: each occurrence exactly once, with two runners at once or
after a crash mid-run. First every due occurrence is written down (its row, and the order moved
to its next one, in one transaction); then each is paid under a key derived from the order and
the occurrence, so a payment tried twice moves money once. A runner takes an occurrence for a
short lease before paying it: another runner passes it by, and after a crash takes it when the
lease ends, retrying under the same key."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import Clock, Notifier, Recurrence, UnitOfWorkFactory
from application.use_cases.transfer_money import TransferCommand, TransferMoney
from domain.audit import Outcome
from domain.errors import DomainError, ValidationError
from domain.standing_order import (
    Occurrence,
    OccurrenceStatus,
    StandingOrder,
    StandingOrderPolicy,
    StandingOrderStatus,
)
from domain.transfer import TransferStatus


@attrs.frozen
class StandingRun:
    """What one run did."""

    scheduled: int = 0
    paid: int = 0
    retrying: int = 0
    failed: int = 0
    held: int = 0


class RunDueStandingOrders:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, recurrence: Recurrence,
                 transfer: TransferMoney, notifier: Notifier, audit: AuditRecorder,
                 policy: StandingOrderPolicy) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._recurrence = recurrence
        self._transfer = transfer
        self._notifier = notifier
        self._audit = audit
        self._policy = policy

    def execute(self, batch: int = 100) -> StandingRun:
        scheduled = self._schedule(batch)
        counts = dict.fromkeys(("paid", "retrying", "failed", "held"), 0)
        while True:
            with self._uow_factory() as uow:
                waiting = uow.standing_orders.attemptable(self._clock.now(), batch)
            taken = [t for o in waiting if (t := self._take(o)) is not None]
            if not taken:  # nothing left, or other runners hold the rest
                return StandingRun(scheduled, **counts)
            for order, occurrence in taken:
                done = self._pay(order, occurrence)
                counts[done.status.value] += 1  # paid, retrying, failed or held

    def _schedule(self, batch: int) -> int:
        """Write down every due occurrence (missed ones too, each once) and move orders on."""
        written = 0
        while True:
            now = self._clock.now()
            with self._uow_factory() as uow:
                due = uow.standing_orders.due(now, batch)
            if not due:
                return written
            planned = {o.id: (o, self._following(o)) for o in due}
            moved = 0
            with self._uow_factory(write=True) as uow:
                for order in uow.standing_orders.claim(list(planned)):
                    read, following = planned[order.id]
                    if (order.status, order.next_due_at) != (read.status, read.next_due_at) \
                            or order.next_due_at is None:
                        continue  # another runner moved it on: read again next round
                    if isinstance(following, ValidationError):  # a rule that cannot go on
                        uow.audit.append(self._audit.event(
                            RequestContext(), "standing_order.ended", outcome=Outcome.FAILURE,
                            customer_id=order.customer_id,
                            resource=f"standing_order:{order.id}", reason=following.message))
                        following = None
                    if uow.standing_orders.add_occurrence(Occurrence(
                            order.id, order.next_due_at, OccurrenceStatus.DUE, updated_at=now)):
                        written += 1
                    uow.standing_orders.update(order.moved_on(following, now))
                    moved += 1
                uow.commit()
            if not moved:  # other runners hold them: theirs, not ours
                return written

    def _following(self, order: StandingOrder) -> datetime | ValidationError | None:
        if order.rrule is None or order.next_due_at is None:
            return None
        try:
            return self._recurrence.next_after(order.rrule, order.starts_at, order.next_due_at)
        except ValidationError as error:
            return error

    def _take(self, waiting: Occurrence) -> tuple[StandingOrder, Occurrence] | None:
        """Hold the occurrence for a lease, or settle it if its order stopped meanwhile."""
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            occurrence = uow.standing_orders.claim_occurrence(waiting.order_id, waiting.due_at)
            if occurrence is None or occurrence.status.settled or (
                    occurrence.next_attempt_at is not None and occurrence.next_attempt_at > now):
                return None  # another runner took it, or settled it
            order = uow.standing_orders.get(occurrence.order_id)
            assert order is not None, "an occurrence belongs to a stored order"
            if order.status in (StandingOrderStatus.PAUSED, StandingOrderStatus.CANCELLED):
                uow.standing_orders.update_occurrence(attrs.evolve(
                    occurrence, status=OccurrenceStatus.FAILED, next_attempt_at=None,
                    reason=f"the standing order was {order.status.value} before it was paid",
                    updated_at=now))
                uow.commit()
                return None
            uow.standing_orders.update_occurrence(occurrence.taken(now + self._policy.lease))
            uow.commit()
        return order, occurrence

    def _pay(self, order: StandingOrder, occurrence: Occurrence) -> Occurrence:
        context = RequestContext(request_id=f"standing-order:{order.id}")
        try:
            result = self._transfer.execute(TransferCommand(
                customer_id=order.customer_id, from_account_number=order.from_account_number,
                to_account_number=order.to_account_number or "", amount=order.amount,
                description=order.description or "Standing order",
                idempotency_key=order.payment_key(occurrence.due_at), context=context,
                beneficiary_id=order.beneficiary_id))
            outcome: TransferStatus | DomainError = result.transfer.status
            transfer_id: UUID | None = result.transfer.id
        except DomainError as error:
            outcome, transfer_id = error, None
        now = self._clock.now()
        if outcome is TransferStatus.COMPLETED:
            assert transfer_id is not None
            done = occurrence.paid(transfer_id, now)
        elif isinstance(outcome, DomainError):
            done = occurrence.failed_attempt(f"{outcome.code}: {outcome.message}", now,
                                             self._policy)
        else:
            assert transfer_id is not None
            done = occurrence.held(transfer_id, f"held by the fraud checks: {outcome.value}", now)
        with self._uow_factory(write=True) as uow:
            uow.standing_orders.update_occurrence(done)
            uow.audit.append(self._audit.event(
                context, f"standing_order.{done.status.value}",
                outcome=Outcome.SUCCESS if done.status is OccurrenceStatus.PAID
                else Outcome.FAILURE, customer_id=order.customer_id,
                resource=f"standing_order:{order.id}", occurrence=occurrence.due_at.isoformat(),
                transfer=transfer_id, reason=done.reason))
            uow.commit()
        if done.status is not OccurrenceStatus.PAID:  # after the commit: the row is the record
            self._notifier.tell(order.customer_id, "A standing order was not paid",
                                f"{order.amount} due {occurrence.due_at:%Y-%m-%d}: "
                                f"{done.status.value} ({done.reason})")
        return done
