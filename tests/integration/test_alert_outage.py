"""Alerts are at least once, on the memory, SQLite and PostgreSQL profiles, against a real SMTP
server on loopback and, for a relay that is down, a closed port: while it is down nothing is
mailed, the alert feed's position stays where it was and each pass tries once; once it is up
every owed alert goes out, in order, once. A relay refusing one alert for a reason that may pass
(a 4xx) holds that event (its other alerts may go twice); a crash between mailing and recording
mails again, never loses. A refusal for good: test_alert_undeliverable.py."""

from __future__ import annotations

from uuid import UUID

import punq
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from application.audit import AuditRecorder
from application.ports import Notifier, Recipient, UnitOfWorkFactory
from application.use_cases import SendAlerts
from application.use_cases.send_alerts import LEASE
from domain.customer import Customer
from domain.reminder import Notification
from tests.support.alert_relay import *  # noqa: F403 (the relay's fixtures)
from tests.support.alert_relay import pay, position, subjects_to
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock
from tests.support.messages import Mailbox, smtp_server, told


def _failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [str(m["error"]) for m in told(caplog) if m.get("mailed") is False]




def _pair(bank: punq.Container) -> tuple[Customer, str, Customer, str]:
    asha, ravi = customer(bank, first_name="Asha"), customer(bank, first_name="Ravi")
    return asha, account(bank, asha, "5000.00").account_number, ravi, \
        account(bank, ravi).account_number


def test_a_payment_while_the_relay_is_down_is_alerted_once_it_is_up(
        bank: punq.Container, relay_port: int, caplog: pytest.LogCaptureFixture) -> None:
    alerts = bank.resolve(SendAlerts)
    asha, source, ravi, target = _pair(bank)
    assert alerts.execute() == 0  # the first run starts at the feed's end
    before = position(bank)
    pay(bank, asha, source, target, "600.00")
    assert alerts.execute() == 0  # the relay is down: nothing accepted
    assert position(bank) == before  # the debit and the credit are owed still
    (failure,) = _failures(caplog)
    assert failure.startswith("ConnectionRefusedError")  # the reason, logged
    assert "Dear Asha" not in caplog.text and "debited" not in caplog.text  # never the mail
    with smtp_server(relay_port) as (mailbox, _):
        assert alerts.execute() == 2  # the relay is up: the owed alerts go out
        assert alerts.execute() == 0
        messages = list(mailbox.messages)
    assert subjects_to(messages, asha) == [f"Debit alert: INR 600.00 from your account {source}"]
    assert subjects_to(messages, ravi) == [f"Credit alert: INR 600.00 to your account {target}"]
    assert position(bank) > before


def test_a_relay_that_stays_down_costs_one_try_a_pass_and_loses_nothing(
        bank: punq.Container, relay_port: int, caplog: pytest.LogCaptureFixture) -> None:
    alerts = bank.resolve(SendAlerts)
    asha, source, _, target = _pair(bank)
    alerts.execute()
    before = position(bank)
    for amount in ("1.00", "2.00", "3.00"):
        pay(bank, asha, source, target, amount)
        assert alerts.execute() == 0
    assert len(_failures(caplog)) == 3  # one try a pass: the next waits for the next pass
    assert position(bank) == before
    with smtp_server(relay_port) as (mailbox, _):
        assert alerts.execute() == 6
        messages = list(mailbox.messages)
    assert subjects_to(messages, asha) == [f"Debit alert: INR {n}.00 from your account {source}"
                                   for n in (1, 2, 3)]


class _Refusing(Mailbox):
    """A relay that answers one address "try again later" until told otherwise."""

    def __init__(self, refused: str) -> None:
        super().__init__()
        self.refused = {refused}

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address in self.refused:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_alert_holds_its_event_and_every_later_one(
        bank: punq.Container, relay_port: int, caplog: pytest.LogCaptureFixture) -> None:
    alerts = bank.resolve(SendAlerts)
    asha, source, ravi, target = _pair(bank)
    alerts.execute()
    before = position(bank)
    pay(bank, asha, source, target, "600.00")
    pay(bank, asha, source, target, "700.00")
    relay = _Refusing(ravi.email)
    with smtp_server(relay_port, relay) as (mailbox, _):
        assert alerts.execute() == 1  # Asha's first debit; Ravi's credit refused: stop there
        assert position(bank) == before
        assert _failures(caplog) == ["SMTPRecipientsRefused: 451"]
        relay.refused.clear()
        assert alerts.execute() == 4
        messages = list(mailbox.messages)
    debit = f"Debit alert: INR {{}}.00 from your account {source}"
    assert subjects_to(messages, asha) == [debit.format(600), debit.format(600), debit.format(700)]
    assert subjects_to(messages, ravi) == [f"Credit alert: INR {n}.00 to your account {target}"
                                   for n in (600, 700)]


class _Crash(Exception):
    """The process dies here."""


class _DiesOnceMailed:
    """The bank's notifier in a process that dies as soon as the relay accepted `letters`
    alerts: they are out, and the feed's position was never moved past them."""

    def __init__(self, real: Notifier, letters: int) -> None:
        self._real, self._left = real, letters

    def send(self, notification: Notification) -> None:
        self._real.send(notification)

    def tell(self, customer_id: UUID, title: str, body: str) -> None:
        self._real.tell(customer_id, title, body)

    def deliver(self, to: Recipient, subject: str, body: str, secret: str | None = None) -> None:
        self._real.deliver(to, subject, body, secret)

    def deliver_now(self, to: Recipient, subject: str, body: str) -> None:
        self._real.deliver_now(to, subject, body)
        self._left -= 1
        if self._left == 0:
            raise _Crash


def test_a_crash_between_mailing_and_recording_mails_again_never_loses(
        bank: punq.Container, relay_port: int, clock: SteppingClock) -> None:
    alerts = bank.resolve(SendAlerts)
    asha, source, _, target = _pair(bank)
    alerts.execute()
    pay(bank, asha, source, target, "600.00")
    dying = SendAlerts(bank.resolve(UnitOfWorkFactory), clock,
                       _DiesOnceMailed(bank.resolve(Notifier), letters=2),
                       bank.resolve(AuditRecorder))
    with smtp_server(relay_port) as (mailbox, _):
        with pytest.raises(_Crash):
            dying.execute()
        assert len(mailbox.messages) == 2  # the debit and the credit went out
        assert alerts.execute() == 0  # the dead process's lease holds the feed a while
        clock.advance(LEASE)
        assert alerts.execute() == 2  # then they are mailed again: twice, never missing
        messages = list(mailbox.messages)
    assert subjects_to(messages, asha) == [f"Debit alert: INR 600.00 from your account {source}"] * 2
