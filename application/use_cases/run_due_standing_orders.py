"""Paying standing orders from cron: each occurrence exactly once, with two runners at once or
after a crash mid-run. First every due occurrence is written down (its row, and the order moved
to its next one, in one transaction); then each is paid under a key derived from the order and
the occurrence, so a payment tried twice moves money once. A runner takes an occurrence for a
short lease before paying it: another runner passes it by, and after a crash takes it when the
lease ends, retrying under the same key.

The payment and what it settles are one transaction that holds the order's lock, which pausing
and cancelling take too: an order stopped a moment before is not paid. Only the runner whose
lease token the occurrence still carries writes an outcome: one slower than its lease leaves
what the runner that took over wrote alone."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import (
    Clock,
    IdGenerator,
    Notifier,
    Recurrence,
    UnitOfWork,
    UnitOfWorkFactory,
)
from application.use_cases.postings import PostingResult
from application.use_cases.transfer_money import TransferCommand, TransferMoney
from domain.audit import Outcome
from domain.errors import DomainError, TransferBlocked, ValidationError
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
                 ids: IdGenerator, policy: StandingOrderPolicy) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
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
                if done is not None:  # paid, retrying, failed or held
                    counts[done.status.value] += 1

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
                    moved_on = order.moved_on(following, now)
                    uow.standing_orders.update(moved_on.finished(
                        len(uow.standing_orders.unsettled(order.id)), now))
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
                uow.standing_orders.update_occurrence(occurrence.stopped(order.status, now))
                uow.commit()
                return None
            taken = occurrence.taken(now + self._policy.lease, self._ids.new_id())
            uow.standing_orders.update_occurrence(taken)
            uow.commit()
        return order, taken

    def _pay(self, order: StandingOrder, taken: Occurrence) -> Occurrence | None:
        """Pay a taken occurrence and record what became of it; None when it is no longer
        this runner's to pay (its lease ran out and another took it, or the order stopped)."""
        context = RequestContext(request_id=f"standing-order:{order.id}")
        with self._uow_factory(write=True) as uow:
            held = self._still_held(uow, order.customer_id, taken)
            if held is None:
                return None
            order, occurrence = held
            try:
                result = self._transfer.execute_in(uow, TransferCommand(
                    customer_id=order.customer_id,
                    from_account_number=order.from_account_number,
                    to_account_number=order.to_account_number or "", amount=order.amount,
                    description=order.description or "Standing order",
                    idempotency_key=order.payment_key(occurrence.due_at), context=context,
                    beneficiary_id=order.beneficiary_id))
            except DomainError as error:  # nothing of the attempt is kept: rolled back
                failure = error
            else:
                done = self._outcome(occurrence, result)
                self._record(uow, order, occurrence, done, context)
                uow.commit()
                return self._told(order, done)
        # A failed attempt is recorded in a transaction of its own (the attempt's rolled back),
        # and only while the lease is still this runner's.
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            held = self._still_held(uow, order.customer_id, taken)
            if held is None:
                return None
            order, occurrence = held
            done = occurrence.failed_attempt(f"{failure.code}: {failure.message}", now,
                                             self._policy)
            self._record(uow, order, occurrence, done, context)
            uow.commit()
        return self._told(order, done)

    def _still_held(self, uow: UnitOfWork, customer_id: UUID, taken: Occurrence
                    ) -> tuple[StandingOrder, Occurrence] | None:
        """The order (locked: a pause or cancel waits, or went first) and the occurrence, if
        it is still under this runner's lease and its order still active; an occurrence of an
        order stopped meanwhile (by a version that left it waiting) is settled as not paid.
        Locks in the order a resume and an erasure take them: the customer, the order, then
        (the payment) the accounts."""
        uow.customers.lock(customer_id)
        order = uow.standing_orders.lock(taken.order_id)
        occurrence = uow.standing_orders.claim_occurrence(taken.order_id, taken.due_at)
        if order is None or occurrence is None or not occurrence.held_by(taken.lease):
            return None
        if order.status is not StandingOrderStatus.ACTIVE:
            uow.standing_orders.update_occurrence(occurrence.stopped(order.status,
                                                                     self._clock.now()))
            uow.commit()
            return None
        return order, occurrence

    def _outcome(self, occurrence: Occurrence, result: PostingResult) -> Occurrence:
        now, transfer = self._clock.now(), result.transfer
        if transfer.status is TransferStatus.COMPLETED:
            return occurrence.paid(transfer.id, now)
        if transfer.status is TransferStatus.BLOCKED:  # its record commits with this outcome
            refused = TransferBlocked("this transfer was refused by the bank's fraud checks")
            return occurrence.failed_attempt(f"{refused.code}: {refused.message}", now,
                                             self._policy)
        return occurrence.held(transfer.id, f"held by the fraud checks: {transfer.status.value}",
                               now)

    def _record(self, uow: UnitOfWork, order: StandingOrder, occurrence: Occurrence,
                done: Occurrence, context: RequestContext) -> None:
        """The occurrence's outcome, and the order completed if that was its last payment."""
        uow.standing_orders.update_occurrence(done)
        finished = order.finished(len(uow.standing_orders.unsettled(order.id)), done.updated_at
                                  or self._clock.now())
        if finished is not order:
            uow.standing_orders.update(finished)
        uow.audit.append(self._audit.event(
            context, f"standing_order.{done.status.value}",
            outcome=Outcome.SUCCESS if done.status is OccurrenceStatus.PAID
            else Outcome.FAILURE, customer_id=order.customer_id,
            resource=f"standing_order:{order.id}", occurrence=occurrence.due_at.isoformat(),
            transfer=done.transfer_id, reason=done.reason))

    def _told(self, order: StandingOrder, done: Occurrence) -> Occurrence:
        if done.status is not OccurrenceStatus.PAID:  # after the commit: the row is the record
            self._notifier.tell(order.customer_id, "A standing order was not paid",
                                f"{order.amount} due {done.due_at:%Y-%m-%d}: "
                                f"{done.status.value} ({done.reason})")
        return done
