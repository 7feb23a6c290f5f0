"""Reminder rules on every profile: refused at creation when out of bounds or without an
occurrence; a bad rule already stored is skipped, suspended and audited, and never stops the
others; next occurrences are computed while no writer is held."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import RLock
from zoneinfo import ZoneInfo

import punq
import pytest
import sqlalchemy as sa

from adapters.memory import MemoryUnitOfWorkFactory
from adapters.sql.sqlite.one_writer import WriterTurn
from adapters.system.recurrence import BoundedRecurrence
from application.audit import AuditRecorder
from application.context import SYSTEM
from application.ports import IdGenerator, Notifier, UnitOfWorkFactory
from application.use_cases import DueRun, ManageReminders, ReminderDetails, RunDueReminders
from application.use_cases import reminders as reminders_module
from domain.errors import ValidationError
from domain.reminder import Reminder, ReminderStatus, ReminderType
from entrypoints.settings import Settings
from tests.support.banking import customer
from tests.support.clock import SteppingClock

START = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
STORED_BEFORE_THE_FIX = ["FREQ=DAILY;INTERVAL=0", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31",
                         "FREQ=MONTHLY;BYDAY=+999MO", "FREQ=DAILY;INTERVAL=-1"]


def test_bad_rules_are_refused_and_nothing_is_stored(bank: punq.Container,
                                                     clock: SteppingClock) -> None:
    asha = customer(bank)
    clock.set(START)
    manage = bank.resolve(ManageReminders)
    for rule in [*STORED_BEFORE_THE_FIX, "FREQ=YEARLY;BYMONTHDAY=0",
                 "FREQ=DAILY;INTERVAL=1" + "0" * 29]:
        with pytest.raises(ValidationError) as refused:
            manage.add(asha.id, ReminderDetails(ReminderType.CUSTOM, "x", START, rule), SYSTEM)
        assert refused.value.info == {"field": "rrule"}, rule
    long_ago = START - timedelta(days=367)
    with pytest.raises(ValidationError) as refused:  # each missed occurrence would be sent
        manage.add(asha.id, ReminderDetails(ReminderType.CUSTOM, "x", long_ago, "FREQ=DAILY"),
                   SYSTEM)
    assert refused.value.info == {"field": "due_at"}
    assert manage.list(asha.id) == []
    manage.add(asha.id, ReminderDetails(ReminderType.CUSTOM, "once", long_ago), SYSTEM)
    manage.add(asha.id, ReminderDetails(ReminderType.CUSTOM, "x", START - timedelta(days=366),
                                        "FREQ=MONTHLY"), SYSTEM)


def test_one_bad_reminder_never_stops_the_others(bank: punq.Container,
                                                 clock: SteppingClock) -> None:
    asha, ravi = customer(bank), customer(bank)
    clock.set(START)
    manage = bank.resolve(ManageReminders)
    good = [manage.add(ravi.id, ReminderDetails(ReminderType.BILL_PAYMENT, title, START, rule),
                       SYSTEM)
            for title, rule in (("once", None), ("daily", "FREQ=DAILY;COUNT=2"),
                                ("until", "FREQ=DAILY;UNTIL=20261123"))]
    bad = [Reminder(id=bank.resolve(IdGenerator).new_id(), customer_id=asha.id,
                    type=ReminderType.EMI, title=f"old {n}", rrule=rule, created_at=START,
                    due_at=START - timedelta(days=1, minutes=n))  # due first: claimed first
           for n, rule in enumerate(STORED_BEFORE_THE_FIX)]
    with bank.resolve(UnitOfWorkFactory)(write=True) as uow:  # as rows stored before the fix
        for reminder in bad:
            uow.reminders.add(reminder)
        uow.commit()
    runner = bank.resolve(RunDueReminders)
    assert runner.execute(batch=2) == DueRun(delivered=3, skipped=4)
    assert runner.execute(batch=2) == DueRun()  # suspended: set aside, not reported again
    clock.set(START + timedelta(days=3))
    assert runner.execute(batch=2) == DueRun(delivered=2)
    assert {r.title: r.status for r in manage.list(ravi.id)} == {
        "once": ReminderStatus.COMPLETED, "daily": ReminderStatus.COMPLETED,
        "until": ReminderStatus.COMPLETED}
    assert {r.status for r in manage.list(asha.id)} == {ReminderStatus.SUSPENDED}
    with bank.resolve(UnitOfWorkFactory)() as uow:
        assert len(uow.reminders.notifications(ravi.id)) == 5
        assert uow.reminders.notifications(asha.id) == []
        audited = [e for e in uow.audit.all_in_order() if e.action == "reminder.suspended"]
    assert sorted(e.resource for e in audited) == sorted(f"reminder:{r.id}" for r in bad)
    assert {e.outcome for e in audited} == {"failure"}
    assert all(e.details["reason"].startswith("rrule ") for e in audited)
    assert {e.details["rrule"] for e in audited} == set(STORED_BEFORE_THE_FIX)
    assert good[0].id in {r.id for r in manage.list(ravi.id)}
    # The owner may still cancel a suspended reminder; nobody may resume or suspend one.
    manage.set_status(asha.id, bad[0].id, ReminderStatus.CANCELLED, SYSTEM)
    pending = manage.add(asha.id, ReminderDetails(ReminderType.CUSTOM, "later", START), SYSTEM)
    for reminder, status in ((bad[1], ReminderStatus.PENDING),
                             (pending, ReminderStatus.SUSPENDED)):
        with pytest.raises(ValidationError):
            manage.set_status(asha.id, reminder.id, status, SYSTEM)


class WatchedRecurrence(BoundedRecurrence):
    """The real recurrence, noting each time it is asked whether a writer is held then."""

    def __init__(self, writer_free: Callable[[], bool]) -> None:
        super().__init__()
        self.writer_was_free: list[bool] = []
        self._writer_free = writer_free

    def next_after(self, rule: str, start: datetime, after: datetime) -> datetime | None:
        self.writer_was_free.append(self._writer_free())
        return super().next_after(rule, start, after)


def _try(lock: RLock) -> bool:
    if lock.acquire(blocking=False):
        lock.release()
        return True
    return False


def _writer_free(bank: punq.Container) -> Callable[[], bool]:
    factory, url = bank.resolve(UnitOfWorkFactory), bank.resolve(Settings).database_url
    if isinstance(factory, MemoryUnitOfWorkFactory):
        def memory() -> bool:  # asked from another thread: the writer's lock is re-entrant
            with ThreadPoolExecutor(1) as other:
                return other.submit(_try, factory.store.writer).result()
        return memory
    if url.startswith("sqlite"):
        turn = WriterTurn(str(sa.make_url(url).database))  # its own descriptor: flock sees it

        def sqlite() -> bool:
            if turn.try_acquire() is None:
                turn.release()
                return True
            return False
        return sqlite
    engine = sa.create_engine(url)

    def postgresql() -> bool:  # may another transaction lock the runner's reminders now?
        with engine.connect() as conn:
            try:
                conn.execute(sa.text("SELECT id FROM reminders FOR UPDATE NOWAIT")).all()
                return True
            except sa.exc.OperationalError:
                return False
    return postgresql


def test_next_occurrences_are_computed_while_no_writer_is_held(bank: punq.Container,
                                                               clock: SteppingClock) -> None:
    asha = customer(bank)
    clock.set(START)
    for n in range(3):
        bank.resolve(ManageReminders).add(asha.id, ReminderDetails(
            ReminderType.BILL_PAYMENT, f"bill {n}", START, "FREQ=MONTHLY;COUNT=2"), SYSTEM)
    recurrence = WatchedRecurrence(_writer_free(bank))
    runner = RunDueReminders(bank.resolve(UnitOfWorkFactory), bank.resolve(IdGenerator), clock,
                             recurrence, bank.resolve(Notifier), bank.resolve(AuditRecorder))
    assert runner.execute().delivered == 3
    assert recurrence.writer_was_free == [True, True, True]


def test_a_rule_keeps_the_banks_calendar_whatever_the_database_keeps(
        bank: punq.Container, clock: SteppingClock) -> None:
    """SQL keeps moments in UTC, memory keeps the customer's offset: both deliver a monthly
    reminder for the 1st at 02:00 in Kolkata on the 1st (review of issue #30; it once went
    out on the 2nd from SQLite, as 1 Jan 02:00 IST is 31 Dec in UTC)."""
    asha = customer(bank)
    ist = ZoneInfo("Asia/Kolkata")  # the bank's zone unless VAANI_BANK_TIMEZONE says otherwise
    first = datetime(2027, 1, 1, 2, 0, tzinfo=ist)
    clock.set(first - timedelta(days=1))
    added = bank.resolve(ManageReminders).add(asha.id, ReminderDetails(
        ReminderType.BILL_PAYMENT, "rent", first, "FREQ=MONTHLY;BYMONTHDAY=1;COUNT=3"), SYSTEM)
    delivered = []
    for month in range(4):
        clock.set(datetime(2027, 1 + month, 1, 3, 0, tzinfo=ist))
        bank.resolve(RunDueReminders).execute()
        with bank.resolve(UnitOfWorkFactory)() as uow:
            delivered = [n.occurrence.astimezone(ist) for n in uow.reminders.notifications(asha.id)
                         if n.reminder_id == added.id]
    assert [(d.month, d.day, d.hour) for d in delivered] == [(1, 1, 2), (2, 1, 2), (3, 1, 2)]


def test_a_customer_may_keep_only_so_many_pending_reminders(
        bank: punq.Container, clock: SteppingClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """`run-due` works for every customer: one customer's thousands must not crowd out the
    rest (review of issue #30)."""
    monkeypatch.setattr(reminders_module, "MOST_PENDING", 3)
    asha = customer(bank)
    clock.set(START)
    manage = bank.resolve(ManageReminders)
    added = [manage.add(asha.id, ReminderDetails(ReminderType.CUSTOM, f"r{i}", START), SYSTEM)
             for i in range(3)]
    with pytest.raises(ValidationError) as refused:
        manage.add(asha.id, ReminderDetails(ReminderType.CUSTOM, "one more", START), SYSTEM)
    assert refused.value.info["reason"] == "too_many_reminders"
    manage.delete(asha.id, added[0].id, SYSTEM)
    manage.add(asha.id, ReminderDetails(ReminderType.CUSTOM, "room again", START), SYSTEM)
