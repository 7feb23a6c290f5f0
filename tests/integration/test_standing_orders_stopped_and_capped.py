"""Standing-order occurrences the customer stopped but that were paid
all the same. The rule (docs/money-operations.md): "an occurrence written down before a pause or
cancel is not paid". Each test showed a defect found in review, fixed."""

from __future__ import annotations

import contextlib
import copy
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import punq
import pytest

from adapters.sql.standing_orders import SqlStandingOrders
from application.context import RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    EraseCustomer,
    GetBalance,
    ManageStandingOrders,
    RunDueStandingOrders,
    StandingOrderDetails,
    TransferCommand,
    TransferMoney,
)
from application.use_cases.standing_orders import MOST_ACTIVE
from domain.customer import Customer
from domain.errors import DomainError
from domain.standing_order import (
    OccurrenceStatus,
    StandingOrder,
    StandingOrderPolicy,
    StandingOrderStatus,
)
from tests.support.banking import PASSWORD, account, customer, deposit, inr
from tests.support.clock import SteppingClock
from tests.support.races import both_at_once

START = datetime(2026, 11, 23, 4, 30, tzinfo=UTC)  # a day after the test clock starts


def _order(bank: punq.Container, rrule: str | None,
           starts: datetime = START) -> tuple[Customer, StandingOrder, str]:
    payer, payee = customer(bank), customer(bank)
    source, target = account(bank, payer, "50.00"), account(bank, payee)
    order = bank.resolve(ManageStandingOrders).add(payer.id, StandingOrderDetails(
        source.account_number, inr("100.00"), starts, to_account_number=target.account_number,
        description="rent", rrule=rrule), RequestContext(actor_id=payer.id))
    return payer, order, source.account_number


def _balance(bank: punq.Container, number: str) -> str:
    return bank.resolve(GetBalance).execute(None, number).balance.format()


@pytest.mark.parametrize("verb", ["cancel", "pause"])
def test_a_retrying_payment_of_a_once_order_can_be_stopped(bank: punq.Container,
                                                          clock: SteppingClock,
                                                          verb: str) -> None:
    payer, order, source = _order(bank, rrule=None)
    run = bank.resolve(RunDueStandingOrders)
    clock.set(START)
    assert run.execute().retrying == 1  # 50.00 cannot pay 100.00: tried again in 4 hours
    manage, who = bank.resolve(ManageStandingOrders), RequestContext(actor_id=payer.id)
    waiting = manage.show(payer.id, order.id).order
    assert (waiting.status, waiting.next_due_at) == (StandingOrderStatus.ACTIVE, None)
    try:
        getattr(manage, verb)(payer.id, order.id, who)
    except DomainError as refused:
        stopped = refused.code
    else:
        stopped = verb
    deposit(bank, source, "100.00")  # the customer paid the rent by hand and tops up
    clock.advance(timedelta(hours=4))
    run.execute()
    assert _balance(bank, source) == "150.00", \
        f"the customer could not stop it ({verb}: {stopped}) and it paid 100.00"
    last = manage.show(payer.id, order.id).occurrences[0]
    assert last.status is OccurrenceStatus.FAILED and last.reason is not None
    assert "before it was paid" in last.reason
    if verb == "pause":  # nothing is left to pay: resuming completes it
        resumed = manage.resume(payer.id, order.id, who)
        assert resumed.status is StandingOrderStatus.COMPLETED


def test_an_occurrence_written_before_a_pause_is_not_paid_after_resuming(
        bank: punq.Container, clock: SteppingClock) -> None:
    payer, order, source = _order(bank, rrule="FREQ=MONTHLY")
    run = bank.resolve(RunDueStandingOrders)
    clock.set(START)
    assert run.execute().retrying == 1
    manage, who = bank.resolve(ManageStandingOrders), RequestContext(actor_id=payer.id)
    manage.pause(payer.id, order.id, who)
    manage.resume(payer.id, order.id, who)  # for next month's rent
    deposit(bank, source, "100.00")
    clock.advance(timedelta(hours=4))
    run.execute()
    first = manage.show(payer.id, order.id).occurrences[-1]
    assert first.status is not OccurrenceStatus.PAID and _balance(bank, source) == "150.00", \
        "the occurrence written down before the pause was paid after resuming"
    assert (first.status, first.reason) == (
        OccurrenceStatus.FAILED, "the standing order was paused before it was paid")
    clock.set(START + timedelta(days=30, hours=1))  # next month's, written after the resume
    assert run.execute().paid == 1 and _balance(bank, source) == "50.00"


def test_resuming_cannot_take_a_customer_past_the_cap_of_active_orders(
        bank: punq.Container, clock: SteppingClock) -> None:
    payer, payee = customer(bank), customer(bank)
    source, target = account(bank, payer, "50.00"), account(bank, payee)
    manage, who = bank.resolve(ManageStandingOrders), RequestContext(actor_id=payer.id)
    details = StandingOrderDetails(source.account_number, inr("1.00"), START,
                                   to_account_number=target.account_number,
                                   rrule="FREQ=DAILY")
    orders = [manage.add(payer.id, details, who) for _ in range(MOST_ACTIVE)]
    paused = [manage.pause(payer.id, o.id, who) for o in orders[:10]]
    for _ in paused:
        manage.add(payer.id, details, who)
    for order in paused:
        with contextlib.suppress(DomainError):  # refused: the cap holds
            manage.resume(payer.id, order.id, who)
    active = [o for o in manage.list(payer.id) if o.status is StandingOrderStatus.ACTIVE]
    assert len(active) <= MOST_ACTIVE, f"{len(active)} active orders (cap {MOST_ACTIVE})"
    manage.cancel(payer.id, active[0].id, who)  # room for one again
    assert manage.resume(payer.id, paused[0].id, who).status is StandingOrderStatus.ACTIVE


@pytest.mark.parametrize("profile", [pytest.param("postgresql", marks=pytest.mark.postgresql)])
def test_two_resumes_at_once_cannot_pass_the_cap(bank: punq.Container,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Both requests are held after counting the active orders until the other has counted too
    (PostgreSQL, READ COMMITTED): unlocked, each counts 99 and both resume. Locked (the
    customer's row), the second counts only once the first committed: the first waits at the
    meeting point in vain (2 s, under the database's lock wait of 5 s), and the second counts
    100."""
    payer, payee = customer(bank), customer(bank)
    source, target = account(bank, payer, "50.00"), account(bank, payee)
    manage, who = bank.resolve(ManageStandingOrders), RequestContext(actor_id=payer.id)
    details = StandingOrderDetails(source.account_number, inr("1.00"), START,
                                   to_account_number=target.account_number, rrule="FREQ=DAILY")
    orders = [manage.add(payer.id, details, who) for _ in range(MOST_ACTIVE)]
    paused = [manage.pause(payer.id, o.id, who) for o in orders[:2]]
    manage.add(payer.id, details, who)  # 99 active, 2 paused: room for one of them
    meet, original = threading.Barrier(2, timeout=2), SqlStandingOrders.of_customer

    def of_customer(self, customer_id):  # type: ignore[no-untyped-def]
        found = original(self, customer_id)
        with contextlib.suppress(threading.BrokenBarrierError):
            meet.wait()
        return found

    monkeypatch.setattr(SqlStandingOrders, "of_customer", of_customer)
    answers = both_at_once(*(lambda o=o: manage.resume(payer.id, o.id, who) for o in paused))
    resumed = [a for a in answers if not isinstance(a, DomainError)]
    active = [o for o in manage.list(payer.id) if o.status is StandingOrderStatus.ACTIVE]
    assert (len(resumed), len(active)) == (1, MOST_ACTIVE), answers


@pytest.mark.parametrize("verb", ["cancel", "pause"])
def test_an_order_cancelled_while_the_run_pays_others_is_not_paid(
        bank: punq.Container, clock: SteppingClock, verb: str) -> None:
    _order(bank, rrule="FREQ=MONTHLY")  # another customer's, due a minute before ours
    payer, order, source = _order(bank, "FREQ=MONTHLY", START + timedelta(minutes=1))
    deposit(bank, source, "100.00")
    run = bank.resolve(RunDueStandingOrders)
    paying = run._pay
    who = RequestContext(actor_id=payer.id)

    def pay(taken_order, occurrence):  # type: ignore[no-untyped-def]
        if taken_order.id != order.id:  # while the run pays the other order, ours is stopped
            getattr(bank.resolve(ManageStandingOrders), verb)(payer.id, order.id, who)
        return paying(taken_order, occurrence)

    run._pay = pay  # type: ignore[method-assign]
    clock.set(START + timedelta(minutes=2))
    run.execute()
    assert _balance(bank, source) == "150.00", f"a {verb}d order's occurrence was paid"


class _LateClock:
    """A runner's own clock: the first time it looks after `then` is set, `then` happens
    first: the runner was held up there (a pause of the process, a slow network) for longer
    than its lease, and another runner did its work meanwhile."""

    def __init__(self, clock: SteppingClock) -> None:
        self._clock = clock
        self.then: Callable[[], None] | None = None

    def now(self) -> datetime:
        then, self.then = self.then, None
        if then is not None:
            then()
        return self._clock.now()


def test_a_runner_slower_than_its_lease_leaves_the_payment_of_the_next_one_alone(
        bank: punq.Container, clock: SteppingClock, caplog: pytest.LogCaptureFixture) -> None:
    """The first runner's payment fails (50.00 cannot pay 100.00); before it writes that
    down its lease runs out, the money arrives, and a second runner takes the occurrence and
    pays it. The first runner must not then write `retrying` over `paid` (and tell the
    customer it was not paid); money moved once either way (the key is the occurrence's)."""
    payer, order, source = _order(bank, rrule=None)
    quick = bank.resolve(RunDueStandingOrders)
    slow, late = copy.copy(quick), _LateClock(clock)
    real = quick._transfer
    policy = bank.resolve(StandingOrderPolicy)

    def meanwhile() -> None:
        clock.advance(policy.lease + timedelta(minutes=1))
        deposit(bank, source, "100.00")
        assert quick.execute().paid == 1

    class Failing:  # the slow runner's transfers: a failure holds the runner up afterwards
        def execute(self, command):  # type: ignore[no-untyped-def]
            return self._then(lambda: real.execute(command))

        def execute_in(self, uow, command):  # type: ignore[no-untyped-def]
            return self._then(lambda: real.execute_in(uow, command))

        def _then(self, attempt):  # type: ignore[no-untyped-def]
            try:
                return attempt()
            except DomainError:
                late.then = meanwhile
                raise

    slow._clock, slow._transfer = late, Failing()  # type: ignore[assignment]
    clock.set(START)
    with caplog.at_level(logging.INFO, logger="vaani.notifications"):
        slow.execute()
    told = [r.getMessage() for r in caplog.records if r.name == "vaani.notifications"]
    occurrence = bank.resolve(ManageStandingOrders).show(payer.id, order.id).occurrences[0]
    assert (occurrence.status, occurrence.attempts) == (OccurrenceStatus.PAID, 1), \
        f"the slow runner wrote {occurrence.status.value} over the payment the other made"
    assert told == [], f"the customer was told it was not paid: {told}"
    assert _balance(bank, source) == "50.00"
    assert bank.resolve(ManageStandingOrders).show(
        payer.id, order.id).order.status is StandingOrderStatus.COMPLETED


def test_a_customer_erased_while_a_payment_retries_leaves_it_failed_at_once(
        bank: punq.Container, clock: SteppingClock) -> None:
    """Erasure cancels the customer's orders and, in the same step, every occurrence that could
    still be tried, so nothing waits for a runner to find the order gone."""
    payer, order, source = _order(bank, rrule="FREQ=MONTHLY")
    clock.set(START)
    assert bank.resolve(RunDueStandingOrders).execute().retrying == 1
    elsewhere = account(bank, customer(bank)).account_number
    bank.resolve(TransferMoney).execute(TransferCommand(payer.id, source, elsewhere,
                                                        inr("50.00")))  # emptied, to erase
    bank.resolve(EraseCustomer).execute(payer.id, PASSWORD, RequestContext(actor_id=payer.id))
    with bank.resolve(UnitOfWorkFactory)() as uow:
        waiting = uow.standing_orders.occurrences(order.id, 5)
    assert [(o.status, o.reason) for o in waiting] == [
        (OccurrenceStatus.FAILED, "the standing order was cancelled before it was paid")]
