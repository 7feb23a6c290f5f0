"""The event feeds on the memory, SQLite and PostgreSQL profiles: events are written with the act
(a refused act announces nothing), read in order a page at a time, each once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import punq
import pytest

from application.context import SYSTEM, RequestContext
from application.use_cases import (
    ManageReminders,
    OperateAccounts,
    ReadEvents,
    ReminderDetails,
    RunDueReminders,
    TransferCommand,
    TransferMoney,
)
from domain.errors import DomainError, ValidationError
from domain.reminder import ReminderType
from tests.support.banking import account, customer, inr
from tests.support.clock import SteppingClock


def _pay(bank: punq.Container, payer_id: object, source: str, target: str, amount: str) -> None:
    bank.resolve(TransferMoney).execute(TransferCommand(
        customer_id=payer_id, from_account_number=source,  # type: ignore[arg-type]
        to_account_number=target, amount=inr(amount)))


def test_a_payment_is_announced_to_its_payer_with_its_public_details(
        bank: punq.Container) -> None:
    payer, payee = customer(bank), customer(bank)
    source, target = account(bank, payer, "5000.00"), account(bank, payee)
    feed = bank.resolve(ReadEvents)
    before = feed.mine(payer.id, after=None, limit=100).position
    _pay(bank, payer.id, source.account_number, target.account_number, "125.50")
    page = feed.mine(payer.id, after=before, limit=100)
    assert [e.type for e in page.items] == ["transfer.posted"]
    posted = page.items[0]
    assert posted.customer_id == payer.id and posted.resource.startswith("transfer:")
    assert dict(posted.data) == {
        "kind": "transfer", "source": source.account_number,
        "destination": target.account_number, "amount": "125.50", "currency": "INR",
        "channel": "ONLINE"}
    assert page.more is False and page.position == posted.sequence
    # Nothing more since: asking again from the position answers nothing, and the same place.
    again = feed.mine(payer.id, after=page.position, limit=100)
    assert again.items == [] and again.position == page.position


def test_a_refused_payment_announces_nothing(bank: punq.Container) -> None:
    payer, payee = customer(bank), customer(bank)
    source, target = account(bank, payer, "10.00"), account(bank, payee)
    feed = bank.resolve(ReadEvents)
    before = feed.everyone(after=None, limit=100)
    while before.more:
        before = feed.everyone(after=before.position, limit=100)
    with pytest.raises(DomainError):  # more than the balance: the transaction rolls back
        _pay(bank, payer.id, source.account_number, target.account_number, "999.00")
    assert feed.everyone(after=before.position, limit=100).items == []


def test_pages_follow_each_other_without_gaps_or_repeats(bank: punq.Container) -> None:
    payer, payee = customer(bank), customer(bank)
    source, target = account(bank, payer, "5000.00"), account(bank, payee)
    feed = bank.resolve(ReadEvents)
    start = feed.mine(payer.id, after=None, limit=100).position
    for amount in ("1.00", "2.00", "3.00", "4.00", "5.00"):
        _pay(bank, payer.id, source.account_number, target.account_number, amount)
    seen, position, more = [], start, True
    while more:
        page = feed.mine(payer.id, after=position, limit=2)
        seen += [e.data["amount"] for e in page.items]
        position, more = page.position, page.more
    assert seen == ["1.00", "2.00", "3.00", "4.00", "5.00"]


def test_staff_read_every_customers_events_of_the_types_they_ask(
        bank: punq.Container) -> None:
    payer, payee = customer(bank), customer(bank)
    source, target = account(bank, payer, "5000.00"), account(bank, payee)
    operator = customer(bank)
    feed = bank.resolve(ReadEvents)
    start = feed.everyone(after=None, limit=100)
    while start.more:
        start = feed.everyone(after=start.position, limit=100)
    _pay(bank, payer.id, source.account_number, target.account_number, "7.00")
    bank.resolve(OperateAccounts).freeze(target.account_number,
                                         RequestContext(actor_id=operator.id))
    frozen = feed.everyone(after=start.position, limit=100, types=["account.frozen"])
    assert [(e.type, e.customer_id, e.resource) for e in frozen.items] == [
        ("account.frozen", payee.id, f"account:{target.account_number}")]
    both = feed.everyone(after=start.position, limit=100)
    assert [e.type for e in both.items] == ["transfer.posted", "account.frozen"]
    with pytest.raises(ValidationError):
        feed.everyone(after=None, limit=10, types=["transfer.teleported"])
    with pytest.raises(ValidationError):
        feed.mine(payer.id, after=None, limit=101)


def test_a_due_reminder_is_announced_once(bank: punq.Container, clock: SteppingClock) -> None:
    asha = customer(bank)
    start = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    clock.set(start)
    bank.resolve(ManageReminders).add(asha.id, ReminderDetails(
        ReminderType.BILL_PAYMENT, "Electricity", start + timedelta(hours=1), None,
        inr("1200.00")), SYSTEM)
    clock.set(start + timedelta(hours=2))
    runner = bank.resolve(RunDueReminders)
    assert runner.execute().delivered == 1 and runner.execute().delivered == 0
    due = [e for e in bank.resolve(ReadEvents).mine(asha.id, after=None, limit=100).items
           if e.type == "reminder.due"]
    assert len(due) == 1 and due[0].data["title"] == "Electricity"
    assert due[0].data["amount"] == "1200.00" and due[0].data["type"] == "BILL_PAYMENT"
