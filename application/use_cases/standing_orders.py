"""Standing orders: the customer's own (the runner that pays them: run_due_standing_orders.py).
An operator (customer_id None) reaches every customer's, as with reminders' ownership rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ownership import owned
from application.ports import Clock, IdGenerator, Recurrence, UnitOfWork, UnitOfWorkFactory
from application.replays import same_request
from application.use_cases.postings import MAX_IDEMPOTENCY_KEY
from domain.account import AccountType
from domain.errors import (
    AccountNotFound,
    BeneficiaryNotFound,
    ReminderNotFound,
    StandingOrderNotFound,
    ValidationError,
)
from domain.money import Money
from domain.reminder import ReminderType
from domain.standing_order import Occurrence, StandingOrder, StandingOrderStatus
from domain.transfer import request_fingerprint

# Every active order is work for `run-due`, shared by all customers (as reminders' cap).
MOST_ACTIVE = 100
_PAYABLE_REMINDERS = (ReminderType.EMI, ReminderType.BILL_PAYMENT)


@attrs.frozen
class StandingOrderDetails:
    from_account_number: str
    amount: Money
    starts_at: datetime
    to_account_number: str | None = None
    beneficiary_id: UUID | None = None
    description: str = ""
    rrule: str | None = None
    ends_at: datetime | None = None
    reminder_id: UUID | None = None


@attrs.frozen
class PlacedOrder:
    """The order a request placed; `replayed` when an earlier request with its key placed it."""

    order: StandingOrder
    replayed: bool = False


@attrs.frozen
class StandingOrderView:
    order: StandingOrder
    occurrences: list[Occurrence]


class ManageStandingOrders:
    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 recurrence: Recurrence, audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock
        self._recurrence = recurrence
        self._audit = audit

    def add(self, customer_id: UUID, details: StandingOrderDetails,
            context: RequestContext) -> StandingOrder:
        return self.place(customer_id, details, context).order

    def place(self, customer_id: UUID, details: StandingOrderDetails, context: RequestContext,
              idempotency_key: str | None = None) -> PlacedOrder:
        """Add an order, once per idempotency key: a retry with the same details answers the
        first order (a second one would pay every occurrence again), other details are an
        idempotency_conflict. The key is looked up before the checks that depend on the time,
        so a retry after `starts_at` still finds its order."""
        if idempotency_key is not None and not (
                1 <= len(idempotency_key) <= MAX_IDEMPOTENCY_KEY and idempotency_key.isprintable()):
            raise ValidationError("Idempotency-Key must be 1-255 printable characters",
                                  field="Idempotency-Key")
        for moment, name in ((details.starts_at, "starts_at"), (details.ends_at, "ends_at")):
            if moment is not None and moment.tzinfo is None:
                raise ValidationError(f"{name} needs a time zone", field=name)
        fingerprint = _fingerprint(details)
        if idempotency_key is not None:
            with self._uow_factory() as uow:
                found = uow.standing_orders.by_key(customer_id, idempotency_key)
            if found is not None:
                return _replayed(found, fingerprint)
        if details.rrule is not None:  # before the write: a rule's check is bounded CPU work
            self._recurrence.check(details.rrule, details.starts_at)
        now = self._clock.now()
        order = StandingOrder(id=self._ids.new_id(), customer_id=customer_id, created_at=now,
                              updated_at=now, next_due_at=details.starts_at,
                              idempotency_key=idempotency_key,
                              fingerprint=fingerprint if idempotency_key is not None else None,
                              **attrs.asdict(details, recurse=False))
        order.check()
        with self._uow_factory(write=True) as uow:
            uow.customers.lock(customer_id)  # one add at a time per customer: the cap holds
            if idempotency_key is not None and (found := uow.standing_orders.by_key(
                    customer_id, idempotency_key)) is not None:  # its twin committed meanwhile
                return _replayed(found, fingerprint)
            _check_parties(uow, order)
            _check_room(uow, customer_id)
            uow.standing_orders.add(order)
            uow.audit.append(self._audit.event(
                context, "standing_order.added", customer_id=customer_id,
                resource=f"standing_order:{order.id}", amount=order.amount.format(),
                rrule=order.rrule))
            uow.commit()
        return PlacedOrder(order)

    def list(self, customer_id: UUID) -> list[StandingOrder]:
        with self._uow_factory() as uow:
            return uow.standing_orders.of_customer(customer_id)

    def show(self, customer_id: UUID | None, order_id: UUID, limit: int = 20
             ) -> StandingOrderView:
        with self._uow_factory() as uow:
            order = _owned(uow.standing_orders.get(order_id), customer_id, order_id)
            return StandingOrderView(order, uow.standing_orders.occurrences(order_id, limit))

    def pause(self, customer_id: UUID | None, order_id: UUID,
              context: RequestContext) -> StandingOrder:
        return self._change(customer_id, order_id, context, "paused",
                            lambda uow, order, now: order.paused(now))

    def resume(self, customer_id: UUID | None, order_id: UUID,
               context: RequestContext) -> StandingOrder:
        """Active again from its first occurrence after now: those it missed are skipped. It
        counts against the cap as an added order does (else pause, add, resume passes it)."""
        def resumed(uow: UnitOfWork, order: StandingOrder, now: datetime) -> StandingOrder:
            changed = order.resumed(self._first_after(order, now), now)
            if changed.status is StandingOrderStatus.ACTIVE:
                _check_room(uow, order.customer_id)  # it is paused in the count: not itself
            return changed

        return self._change(customer_id, order_id, context, "resumed", resumed,
                            owner_first=True)

    def cancel(self, customer_id: UUID | None, order_id: UUID,
               context: RequestContext) -> StandingOrder:
        return self._change(customer_id, order_id, context, "cancelled",
                            lambda uow, order, now: order.cancelled(now))

    def _first_after(self, order: StandingOrder, now: datetime) -> datetime | None:
        if order.rrule is None:
            return order.starts_at if order.starts_at > now else None
        if order.starts_at > now:
            return order.starts_at
        return self._recurrence.next_after(order.rrule, order.starts_at, now)

    def _change(self, customer_id: UUID | None, order_id: UUID, context: RequestContext,
                verb: str, change: Callable[[UnitOfWork, StandingOrder, datetime], StandingOrder],
                owner_first: bool = False) -> StandingOrder:
        """`owner_first`: the customer's row is locked before the order's, the order every
        lock on both is taken in (a payment, an erasure): one resume at a time per customer."""
        with self._uow_factory(write=True) as uow:
            if owner_first:
                found = _owned(uow.standing_orders.get(order_id), customer_id, order_id)
                uow.customers.lock(found.customer_id)
            order = _owned(uow.standing_orders.lock(order_id), customer_id, order_id)
            now = self._clock.now()
            changed = change(uow, order, now)
            # What was written down before a pause or a cancel is not paid, even if a runner
            # took it already or it is waiting to be tried again: settled here, under the
            # order's lock, which a runner takes too to pay (resuming finds those an older
            # version left waiting). A runner checks the order again under that same lock.
            as_if = StandingOrderStatus.CANCELLED if verb == "cancelled" \
                else StandingOrderStatus.PAUSED
            waiting = uow.standing_orders.unsettled(order.id)
            for occurrence in waiting:
                uow.standing_orders.update_occurrence(occurrence.stopped(as_if, now))
            uow.standing_orders.update(changed)
            uow.audit.append(self._audit.event(
                context, f"standing_order.{verb}", customer_id=order.customer_id,
                resource=f"standing_order:{order.id}", stopped=len(waiting) or None))
            uow.commit()
            return changed


def _check_room(uow: UnitOfWork, customer_id: UUID) -> None:
    """At most MOST_ACTIVE active orders a customer; the caller holds the customer's lock."""
    active = sum(o.status is StandingOrderStatus.ACTIVE
                 for o in uow.standing_orders.of_customer(customer_id))
    if active >= MOST_ACTIVE:
        raise ValidationError(f"a customer may have at most {MOST_ACTIVE} active "
                              "standing orders", reason="too_many_standing_orders")


def _fingerprint(details: StandingOrderDetails) -> str:
    """What the customer asked, in a form that does not depend on how they spelled it."""
    def moment(value: datetime | None) -> str:
        return value.astimezone(UTC).isoformat() if value is not None else ""

    return request_fingerprint(
        source=details.from_account_number, amount=details.amount.format(),
        currency=details.amount.currency, starts_at=moment(details.starts_at),
        ends_at=moment(details.ends_at), to=details.to_account_number or "",
        beneficiary=details.beneficiary_id or "", description=details.description,
        rrule=details.rrule or "", reminder=details.reminder_id or "")


def _replayed(found: StandingOrder, fingerprint: str) -> PlacedOrder:
    same_request(found.fingerprint, fingerprint, "standing order",
                 standing_order_id=str(found.id))
    return PlacedOrder(found, replayed=True)


def _check_parties(uow: UnitOfWork, order: StandingOrder) -> None:
    """The payer's own account, a payee that exists, a reminder of theirs it pays."""
    source = uow.accounts.by_number(order.from_account_number)
    if source is None or source.customer_id != order.customer_id:
        raise AccountNotFound(f"account {order.from_account_number} not found",
                              account_number=order.from_account_number)
    # Refused now, not at every occurrence: each would fail for the same reason.
    if order.amount.currency != source.currency:
        raise ValidationError(f"account {source.account_number} holds {source.currency}, not "
                              f"{order.amount.currency}", field="amount")
    if order.to_account_number == order.from_account_number:
        raise ValidationError("a standing order cannot pay the account it pays from",
                              field="to_account_number")
    if order.to_account_number is not None:
        target = uow.accounts.by_number(order.to_account_number)
        if target is None or target.account_type is AccountType.INTERNAL:
            raise AccountNotFound(f"account {order.to_account_number} not found",
                                  account_number=order.to_account_number)
    if order.beneficiary_id is not None:
        payee = uow.beneficiaries.get(order.beneficiary_id)
        if payee is None or payee.customer_id != order.customer_id:
            raise BeneficiaryNotFound("no such beneficiary",
                                      beneficiary_id=str(order.beneficiary_id))
    if order.reminder_id is not None:
        reminder = uow.reminders.get(order.reminder_id)
        if reminder is None or reminder.customer_id != order.customer_id:
            raise ReminderNotFound("no such reminder", reminder_id=str(order.reminder_id))
        if reminder.type not in _PAYABLE_REMINDERS:
            raise ValidationError("a standing order pays an EMI or a bill reminder, not a "
                                  f"{reminder.type.value} one", field="reminder_id")


def _owned(found: StandingOrder | None, customer_id: UUID | None,
           order_id: UUID) -> StandingOrder:
    return owned(found, customer_id, StandingOrderNotFound(
        "no such standing order", standing_order_id=str(order_id)))
