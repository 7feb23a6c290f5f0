"""Reminders on every profile: recurrence, exactly-once delivery, concurrent runners."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import punq
import pytest

from application.context import SYSTEM
from application.ports import UnitOfWorkFactory
from application.use_cases import ManageReminders, ReminderDetails, RunDueReminders
from domain.errors import ValidationError
from domain.reminder import ReminderStatus, ReminderType
from tests.support.banking import customer, inr
from tests.support.clock import SteppingClock

START = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def notes(bank: punq.Container, customer_id: object) -> list[datetime]:
    with bank.resolve(UnitOfWorkFactory)() as uow:
        return [n.occurrence for n in uow.reminders.notifications(customer_id)]  # type: ignore[arg-type]


def test_a_monthly_emi_is_delivered_once_per_occurrence(bank: punq.Container,
                                                        clock: SteppingClock) -> None:
    asha = customer(bank)
    clock.set(START)
    reminder = bank.resolve(ManageReminders).add(asha.id, ReminderDetails(
        ReminderType.EMI, "Home loan EMI", START + timedelta(days=1), "FREQ=MONTHLY;COUNT=3",
        inr("25000.00")), SYSTEM)
    runner = bank.resolve(RunDueReminders)
    assert runner.execute().delivered == 0  # not due yet
    clock.set(START + timedelta(days=1, minutes=1))
    assert runner.execute().delivered == 1
    assert runner.execute().delivered == 0  # the same occurrence never twice
    clock.set(START + timedelta(days=95))  # two more occurrences have come due meanwhile
    assert runner.execute().delivered == 2 and runner.execute().delivered == 0
    delivered = notes(bank, asha.id)
    assert [d.day for d in delivered] == [23, 23, 23] and [d.month for d in delivered] == [11, 12, 1]
    final = bank.resolve(ManageReminders).list(asha.id)[0]
    assert final.id == reminder.id and final.status is ReminderStatus.COMPLETED
    assert final.delivered == 3


def test_concurrent_runners_deliver_each_occurrence_exactly_once(bank: punq.Container,
                                                                 clock: SteppingClock) -> None:
    asha = customer(bank)
    clock.set(START)
    manage = bank.resolve(ManageReminders)
    for i in range(12):
        manage.add(asha.id, ReminderDetails(ReminderType.BILL_PAYMENT, f"bill {i}",
                                            START - timedelta(minutes=i), "FREQ=DAILY;COUNT=2"),
                   SYSTEM)
    runner = bank.resolve(RunDueReminders)
    with ThreadPoolExecutor(4) as pool:
        counts = list(pool.map(lambda _: runner.execute(batch=5).delivered, range(4)))
    assert sum(counts) == 12 and len(notes(bank, asha.id)) == 12


def test_reminder_rules_are_checked(bank: punq.Container) -> None:
    asha = customer(bank)
    manage = bank.resolve(ManageReminders)
    for rule in ("FREQ=HOURLY", "FREQ=DAILY;BYSETPOS=1", "FREQ=DAILY;COUNT=2;UNTIL=20270101",
                 "nonsense"):
        with pytest.raises(ValidationError):
            manage.add(asha.id, ReminderDetails(ReminderType.CUSTOM, "x", START, rule), SYSTEM)
    with pytest.raises(ValidationError):
        manage.add(asha.id, ReminderDetails(ReminderType.CUSTOM, "", START), SYSTEM)
    once = manage.add(asha.id, ReminderDetails(ReminderType.CUSTOM, "Renew passport", START),
                      SYSTEM)
    assert manage.set_status(asha.id, once.id, ReminderStatus.CANCELLED, SYSTEM).status is \
        ReminderStatus.CANCELLED
    with pytest.raises(ValidationError):
        manage.set_status(asha.id, once.id, ReminderStatus.COMPLETED, SYSTEM)
