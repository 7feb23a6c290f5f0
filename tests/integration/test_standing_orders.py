"""Standing orders on the memory, SQLite and PostgreSQL profiles: each occurrence is paid once,
missed ones too; two runners at once pay nothing twice; a failure is recorded with its reason,
retried per the policy, and told to the customer; pause, resume and cancel."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime, timedelta

import attrs
import punq
import pytest

from application.context import RequestContext
from application.fraud import FraudEngine
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    GetBalance,
    ManageStandingOrders,
    PlacedOrder,
    RunDueStandingOrders,
    StandingOrderDetails,
)
from domain.customer import Customer
from domain.errors import AccountNotFound, StandingOrderStateError, ValidationError
from domain.money import Money
from domain.standing_order import OccurrenceStatus, StandingOrder, StandingOrderStatus
from domain.transfer import TransferStatus
from tests.support.banking import account, customer, deposit, inr
from tests.support.clock import SteppingClock
from tests.support.races import both_at_once
from tests.support.scripted_fraud import AmountScriptedEngine

START = datetime(2026, 11, 23, 4, 30, tzinfo=UTC)  # 10:00 in Kolkata, a day after the clock's


def _order(bank: punq.Container, opening: str = "1000.00", rrule: str | None = "FREQ=MONTHLY",
           amount: str = "100.00") -> tuple[Customer, StandingOrder, str, str]:
    payer, payee = customer(bank), customer(bank)
    source, target = account(bank, payer, opening), account(bank, payee)
    order = bank.resolve(ManageStandingOrders).add(payer.id, StandingOrderDetails(
        source.account_number, inr(amount), START, to_account_number=target.account_number,
        description="rent", rrule=rrule), RequestContext(actor_id=payer.id))
    return payer, order, source.account_number, target.account_number


def _balance(bank: punq.Container, number: str) -> str:
    return bank.resolve(GetBalance).execute(None, number).balance.format()


def test_each_occurrence_is_paid_once_missed_ones_too(bank: punq.Container,
                                                      clock: SteppingClock) -> None:
    payer, order, source, target = _order(bank)
    run = bank.resolve(RunDueStandingOrders)
    assert run.execute().paid == 0  # not due yet
    clock.set(START + timedelta(days=62))  # the runner was down for two months
    done = run.execute()
    assert (done.scheduled, done.paid) == (3, 3)
    assert run.execute().paid == 0
    assert (_balance(bank, source), _balance(bank, target)) == ("700.00", "300.00")
    shown = bank.resolve(ManageStandingOrders).show(payer.id, order.id)
    assert [o.status for o in shown.occurrences] == [OccurrenceStatus.PAID] * 3
    assert shown.order.next_due_at == datetime(2027, 2, 23, 4, 30, tzinfo=UTC)


def test_a_failure_is_recorded_retried_then_final(bank: punq.Container, clock: SteppingClock,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    payer, order, source, _ = _order(bank, opening="50.00", rrule=None)
    run = bank.resolve(RunDueStandingOrders)
    clock.set(START)
    with caplog.at_level(logging.INFO, logger="vaani.notifications"):
        assert run.execute().retrying == 1
    told = [json.loads(r.getMessage()) for r in caplog.records if r.name == "vaani.notifications"]
    assert [t["customer_id"] for t in told] == [str(payer.id)]
    assert "insufficient_funds" in told[0]["body"]
    shown = bank.resolve(ManageStandingOrders).show(payer.id, order.id)
    # Nothing more comes due, but the order stays active (the customer may still stop it)
    # until its last payment settles.
    assert (shown.order.status, shown.order.next_due_at) == (StandingOrderStatus.ACTIVE, None)
    first = shown.occurrences[0]
    assert first.status is OccurrenceStatus.RETRYING and first.reason is not None
    assert first.reason.startswith("insufficient_funds")
    assert run.execute().retrying == 0  # not before the retry is due
    clock.advance(timedelta(hours=4))
    assert run.execute().retrying == 1
    clock.advance(timedelta(hours=4))
    assert run.execute().failed == 1
    shown = bank.resolve(ManageStandingOrders).show(payer.id, order.id)
    final = shown.occurrences[0]
    assert (final.status, final.attempts) == (OccurrenceStatus.FAILED, 3)
    assert shown.order.status is StandingOrderStatus.COMPLETED
    assert _balance(bank, source) == "50.00"


def test_two_runners_at_once_pay_each_occurrence_once(bank: punq.Container,
                                                      clock: SteppingClock) -> None:
    orders = [_order(bank) for _ in range(4)]
    clock.set(START + timedelta(days=31))
    run = bank.resolve(RunDueStandingOrders)
    start = threading.Barrier(2)
    results = []

    def runner() -> None:
        start.wait()
        results.append(run.execute())

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.paid for r in results) == 8 and sum(r.scheduled for r in results) == 8
    for _, _, source, target in orders:
        assert (_balance(bank, source), _balance(bank, target)) == ("800.00", "200.00")


def test_pause_skips_what_comes_due_and_cancel_ends_it(bank: punq.Container,
                                                       clock: SteppingClock) -> None:
    payer, order, source, _ = _order(bank)
    manage, who = bank.resolve(ManageStandingOrders), RequestContext(actor_id=payer.id)
    manage.pause(payer.id, order.id, who)
    clock.set(START + timedelta(days=40))
    assert bank.resolve(RunDueStandingOrders).execute().paid == 0
    resumed = manage.resume(payer.id, order.id, who)
    assert resumed.next_due_at == datetime(2027, 1, 23, 4, 30, tzinfo=UTC)
    cancelled = manage.cancel(payer.id, order.id, who)
    assert cancelled.status is StandingOrderStatus.CANCELLED
    with pytest.raises(StandingOrderStateError):
        manage.resume(payer.id, order.id, who)
    clock.set(START + timedelta(days=70))
    assert bank.resolve(RunDueStandingOrders).execute().paid == 0
    assert _balance(bank, source) == "1000.00"


def test_only_the_owners_account_and_no_backdating(bank: punq.Container) -> None:
    payer, other = customer(bank), customer(bank)
    theirs = account(bank, other, "10.00").account_number
    manage = bank.resolve(ManageStandingOrders)
    with pytest.raises(AccountNotFound):
        manage.add(payer.id, StandingOrderDetails(theirs, inr("1.00"), START,
                                                  to_account_number=theirs), RequestContext())
    mine = account(bank, payer).account_number
    with pytest.raises(ValidationError, match="past"):
        manage.add(payer.id, StandingOrderDetails(mine, inr("1.00"), START - timedelta(days=9),
                                                  to_account_number=theirs), RequestContext())


def test_an_order_no_occurrence_could_pay_is_refused_at_once(bank: punq.Container) -> None:
    payer = customer(bank)
    mine = account(bank, payer).account_number
    manage = bank.resolve(ManageStandingOrders)
    with pytest.raises(ValidationError, match="cannot pay the account it pays from"):
        manage.add(payer.id, StandingOrderDetails(mine, inr("1.00"), START,
                                                  to_account_number=mine), RequestContext())
    with pytest.raises(ValidationError, match="holds INR, not USD"):
        manage.add(payer.id, StandingOrderDetails(mine, Money.parse("1.00", "USD"), START,
                                                  to_account_number=mine), RequestContext())


def test_one_request_sent_twice_at_once_is_one_order(bank: punq.Container) -> None:
    """The key is looked up again under the customer's lock: a twin that committed first is
    found, not added again (the unique key is the last guard)."""
    payer, payee = customer(bank), customer(bank)
    details = StandingOrderDetails(account(bank, payer, "10.00").account_number, inr("1.00"),
                                   START, to_account_number=account(bank, payee).account_number)
    manage = bank.resolve(ManageStandingOrders)
    answers = both_at_once(*(lambda: manage.place(payer.id, details, RequestContext(), "rent")
                             for _ in range(2)))
    placed = [a for a in answers if isinstance(a, PlacedOrder)]
    assert len(placed) == 2 and placed[0].order.id == placed[1].order.id, answers
    assert sorted(p.replayed for p in placed) == [False, True]
    assert [o.id for o in manage.list(payer.id)] == [placed[0].order.id]


@pytest.mark.parametrize("when", ["before it is taken", "after it is taken"])
def test_an_order_stopped_by_an_older_version_is_not_paid(bank: punq.Container,
                                                          clock: SteppingClock,
                                                          when: str) -> None:
    """An order cancelled before this version settled occurrences at once left them waiting;
    a runner settles them as not paid, when it takes them or when it comes to pay."""
    payer, order, source, _ = _order(bank, opening="50.00", rrule=None)
    run = bank.resolve(RunDueStandingOrders)
    clock.set(START)
    assert run.execute().retrying == 1

    def cancel_as_before() -> None:
        with bank.resolve(UnitOfWorkFactory)(write=True) as uow:
            stored = uow.standing_orders.lock(order.id)
            assert stored is not None
            uow.standing_orders.update(attrs.evolve(
                stored, status=StandingOrderStatus.CANCELLED, next_due_at=None))
            uow.commit()

    if when == "before it is taken":
        cancel_as_before()
    else:
        paying = run._pay

        def pay(taken_order, occurrence):  # type: ignore[no-untyped-def]
            cancel_as_before()
            return paying(taken_order, occurrence)

        run._pay = pay  # type: ignore[method-assign]
    deposit(bank, source, "100.00")
    clock.advance(timedelta(hours=4))
    assert run.execute().paid == 0
    assert _balance(bank, source) == "150.00"
    last = bank.resolve(ManageStandingOrders).show(payer.id, order.id).occurrences[0]
    assert (last.status, last.reason) == (
        OccurrenceStatus.FAILED, "the standing order was cancelled before it was paid")


def test_what_the_fraud_screen_decides_is_settled_with_the_payment(bank: punq.Container,
                                                                  clock: SteppingClock) -> None:
    """The payment runs inside the occurrence's transaction: a hold (challenge, review) is
    kept with the occurrence `held`, and a refusal's record with the occurrence retrying."""
    bank.register(FraudEngine, instance=AmountScriptedEngine())  # paise % 4 decides
    orders = {amount: _order(bank, rrule=None, amount=amount)
              for amount in ("100.00", "100.01", "100.02", "100.03")}
    clock.set(START)
    done = bank.resolve(RunDueStandingOrders).execute()
    assert (done.paid, done.held, done.retrying) == (1, 2, 1)
    manage = bank.resolve(ManageStandingOrders)
    shown = {amount: manage.show(payer.id, order.id) for amount, (payer, order, _, _)
             in orders.items()}
    assert {a: v.occurrences[0].status for a, v in shown.items()} == {
        "100.00": OccurrenceStatus.PAID, "100.01": OccurrenceStatus.HELD,
        "100.02": OccurrenceStatus.HELD, "100.03": OccurrenceStatus.RETRYING}
    assert (shown["100.03"].occurrences[0].reason or "").startswith("transfer_blocked")
    assert {a: v.order.status for a, v in shown.items()} == {
        "100.00": StandingOrderStatus.COMPLETED, "100.01": StandingOrderStatus.COMPLETED,
        "100.02": StandingOrderStatus.COMPLETED, "100.03": StandingOrderStatus.ACTIVE}
    held = bank.resolve(GetBalance).execute(None, orders["100.01"][2])
    assert (held.balance.format(), held.available_balance.format()) == ("1000.00", "899.99")
    with bank.resolve(UnitOfWorkFactory)() as uow:  # the refusal is on record, under its key
        _, blocked, source, _ = orders["100.03"]
        found = uow.transfers.by_idempotency_key(f"customer:{blocked.customer_id}",
                                                 blocked.payment_key(START))
    assert found is not None and found.status is TransferStatus.BLOCKED
    assert _balance(bank, source) == "1000.00"
