"""Customer alerts by mail, to a real SMTP server on loopback (aiosmtpd), on the memory, SQLite and
PostgreSQL profiles: the payer told of a debit and the payee of a credit above the amounts they
chose, reminders told, nothing told twice by two dispatchers at once, nothing of the past."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from email.message import Message

import punq
import pytest

from application.context import SYSTEM
from application.ports import Notifier
from application.use_cases import (
    AlertChoices,
    ManageReminders,
    ReminderDetails,
    RunDueReminders,
    SendAlerts,
    TransferCommand,
    TransferMoney,
)
from domain.customer import Customer
from domain.errors import ValidationError
from domain.reminder import ReminderType
from tests.support.banking import account, customer, inr
from tests.support.clock import SteppingClock
from tests.support.messages import Mailbox, smtp_server, text_of
from tests.support.races import both_at_once

SENDER = "alerts@vaani.example.in"


@pytest.fixture
def mail() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def bank_env(mail: tuple[Mailbox, int]) -> dict[str, str]:
    return {"VAANI_SMTP_HOST": "127.0.0.1", "VAANI_SMTP_PORT": str(mail[1]),
            "VAANI_SMTP_FROM": SENDER}


def _delivered(bank: punq.Container, mailbox: Mailbox) -> list[Message]:
    bank.resolve(Notifier).close()  # type: ignore[attr-defined]  # the mail queued so far goes out
    return list(mailbox.messages)


def _to(messages: list[Message], who: Customer) -> list[str]:
    return [m["Subject"] for m in messages if who.email in m["To"]]


def test_the_payer_and_the_payee_are_told_above_their_amounts(
        bank: punq.Container, mail: tuple[Mailbox, int]) -> None:
    alerts = bank.resolve(SendAlerts)
    asha, ravi = customer(bank, first_name="Asha"), customer(bank, first_name="Ravi")
    source = account(bank, asha, "5000.00").account_number
    target = account(bank, ravi).account_number
    assert alerts.execute() == 0  # the first run starts at the feed's end: no history mailed
    alerts.choose(ravi.id, AlertChoices(credit_above="1000.00"))
    pay = bank.resolve(TransferMoney)
    for amount in ("600.00", "1500.00"):
        pay.execute(TransferCommand(customer_id=asha.id, from_account_number=source,
                                    to_account_number=target, amount=inr(amount)))
    assert alerts.execute() == 3  # Asha: two debits; Ravi: the credit above 1,000 only
    assert alerts.execute() == 0  # each told once
    messages = _delivered(bank, mail[0])
    assert _to(messages, asha) == [f"Debit alert: INR 600.00 from your account {source}",
                                   f"Debit alert: INR 1500.00 from your account {source}"]
    assert _to(messages, ravi) == [f"Credit alert: INR 1500.00 to your account {target}"]
    body = text_of(next(m for m in messages if ravi.email in m["To"]))
    assert "Dear Ravi" in body and f"from {source}" in body
    assert all(m["From"] == SENDER for m in messages)


def test_a_due_reminder_is_told_unless_turned_off(
        bank: punq.Container, mail: tuple[Mailbox, int], clock: SteppingClock) -> None:
    alerts = bank.resolve(SendAlerts)
    asha, ravi = customer(bank), customer(bank)
    alerts.execute()
    alerts.choose(ravi.id, AlertChoices(reminders=False))
    for who in (asha, ravi):
        bank.resolve(ManageReminders).add(who.id, ReminderDetails(
            ReminderType.EMI, "Home loan EMI", clock.now() + timedelta(hours=1), None,
            inr("25000.00")), SYSTEM)
    clock.advance(timedelta(hours=2))
    assert bank.resolve(RunDueReminders).execute().delivered == 2
    assert alerts.execute() == 1
    messages = _delivered(bank, mail[0])
    assert _to(messages, asha) == ["Reminder: Home loan EMI"] and _to(messages, ravi) == []
    assert "Amount: INR 25000.00." in text_of(messages[0])


def test_two_dispatchers_at_once_tell_each_alert_once(
        bank: punq.Container, mail: tuple[Mailbox, int]) -> None:
    asha = customer(bank)
    source = account(bank, asha, "5000.00").account_number
    target = account(bank, customer(bank)).account_number
    alerts = bank.resolve(SendAlerts)
    alerts.execute()
    alerts.choose(asha.id, AlertChoices(credit_above=None))
    for n in range(1, 6):
        bank.resolve(TransferMoney).execute(TransferCommand(
            customer_id=asha.id, from_account_number=source, to_account_number=target,
            amount=inr(f"{n}.00")))
    told = both_at_once(alerts.execute, alerts.execute)
    told_later = alerts.execute()  # what the loser left, if it stopped at a held lease
    assert sum(int(n) for n in told) + told_later == 10  # type: ignore[call-overload]  # five debits to Asha, five credits to the payee
    assert len(_delivered(bank, mail[0])) == 10


def test_amounts_are_checked(bank: punq.Container) -> None:
    with pytest.raises(ValidationError) as refused:
        bank.resolve(SendAlerts).choose(customer(bank).id, AlertChoices(debit_above="-5"))
    assert refused.value.info["field"] == "debit_above"
