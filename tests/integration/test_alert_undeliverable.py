"""A recipient the mail relay refuses for good, on the memory, SQLite and PostgreSQL profiles,
against a real SMTP server on loopback: that customer's alert is set aside and audited
`alert.undeliverable` (their id, the event's sequence, the reply code: never the address or the
mail), every other customer's alerts, earlier and later, go out once, and nothing is mailed
again. A relay refusing everyone for good is taken for its own fault: nothing is set aside, the
feed's position stays, and the alerts go out once it is fixed."""

from __future__ import annotations

import punq
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from application.ports import UnitOfWorkFactory
from application.use_cases import AlertChoices, SendAlerts
from application.use_cases.alert_round import RELAY_AT_FAULT
from application.use_cases.send_alerts import UNDELIVERABLE
from domain.alerts import ALERTING_TYPES
from domain.audit import AuditEvent
from domain.customer import Customer
from domain.events import actions_of
from tests.support.alert_relay import *  # noqa: F403 (the relay's fixtures)
from tests.support.alert_relay import pay, position, subjects_to
from tests.support.banking import account, customer
from tests.support.messages import Mailbox, smtp_server, told


class _Relay(Mailbox):
    """A relay that refuses some addresses for good at RCPT TO ("550 no such mailbox"), or,
    misconfigured, every one ("554 relaying denied")."""

    def __init__(self, *refused: str) -> None:
        super().__init__()
        self.refused, self.denies_everyone = set(refused), False

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if self.denies_everyone:
            return "554 5.7.1 Relaying denied"
        if address in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"






def _alerting(bank: punq.Container, after: int) -> list[int]:
    """The sequences of the events that alert, after `after`."""
    with bank.resolve(UnitOfWorkFactory)() as uow:
        return [r.sequence for r in uow.audit.announced(actions_of(ALERTING_TYPES),
                                                        after=after, limit=100)]


def _undeliverable(bank: punq.Container) -> list[AuditEvent]:
    with bank.resolve(UnitOfWorkFactory)() as uow:
        return [e for e in uow.audit.all_in_order() if e.action == UNDELIVERABLE]




def _customers(bank: punq.Container) -> tuple[Customer, str, dict[str, tuple[Customer, str]]]:
    """Asha, who pays, her account, and her payees with theirs."""
    asha = customer(bank, first_name="Asha")
    payees = {name: customer(bank, first_name=name) for name in ("Ravi", "Meera", "Kiran")}
    return asha, account(bank, asha, "5000.00").account_number, \
        {name: (who, account(bank, who).account_number) for name, who in payees.items()}


def test_an_address_refused_for_good_is_audited_and_holds_no_one_else(
        bank: punq.Container, relay_port: int, caplog: pytest.LogCaptureFixture) -> None:
    alerts = bank.resolve(SendAlerts)
    asha, source, payees = _customers(bank)
    (ravi, to_ravi), (meera, to_meera) = payees["Ravi"], payees["Meera"]
    alerts.execute()
    before = position(bank)
    for target, amount in ((to_meera, "100.00"), (to_ravi, "200.00"), (to_meera, "300.00")):
        pay(bank, asha, source, target, amount)
    relay = _Relay(ravi.email)
    with smtp_server(relay_port, relay) as (mailbox, _):
        assert alerts.execute() == 5  # Asha's three debits, Meera's two credits; not Ravi's
        assert alerts.execute() == 0  # nothing mailed again
        after_three = position(bank)
        pay(bank, asha, source, to_ravi, "400.00")  # the feed's last event: Ravi refused again
        assert alerts.execute() == 1  # Asha's debit, accepted: the relay delivers
        assert alerts.execute() == 0
        messages = list(mailbox.messages)
    debit = f"Debit alert: INR {{}}.00 from your account {source}"
    assert subjects_to(messages, asha) == [debit.format(n) for n in (100, 200, 300, 400)]
    assert subjects_to(messages, meera) == [f"Credit alert: INR {n}.00 to your account {to_meera}"
                                    for n in (100, 300)]
    assert subjects_to(messages, ravi) == []
    sequences = _alerting(bank, before)
    assert position(bank) == sequences[-1] and after_three == sequences[2]
    audited = _undeliverable(bank)
    assert [(e.customer_id, e.details) for e in audited] == [
        (ravi.id, {"event_sequence": str(sequences[n]), "reply_code": "550"}) for n in (1, 3)]
    assert all(ravi.email not in str(e) and "Dear" not in str(e) for e in audited)
    refusals = [m for m in told(caplog) if m.get("mailed") is False]
    assert [(m["error"], m["permanent"]) for m in refusals] == [
        ("SMTPRecipientsRefused: 550", True)] * 2


def test_a_relay_refusing_everyone_sets_nothing_aside(
        bank: punq.Container, relay_port: int, caplog: pytest.LogCaptureFixture) -> None:
    alerts = bank.resolve(SendAlerts)
    asha, source, payees = _customers(bank)
    alerts.execute()
    before = position(bank)
    relay = _Relay()
    relay.denies_everyone = True
    with smtp_server(relay_port, relay) as (mailbox, _):
        pay(bank, asha, source, payees["Ravi"][1], "100.00")
        assert alerts.execute() == 0  # Asha and Ravi refused, nothing accepted: both held
        assert position(bank) == before and not any("alerts" in m for m in told(caplog))
        pay(bank, asha, source, payees["Meera"][1], "200.00")
        pay(bank, asha, source, payees["Kiran"][1], "300.00")
        assert alerts.execute() == 0  # Asha, Ravi, Meera: the relay's fault
        assert position(bank) == before
        (held,) = [m for m in told(caplog) if m.get("alerts") == "held"]
        assert held["codes"] == ["554"] and held["from_sequence"] == _alerting(bank, before)[0]
        assert f"refused {RELAY_AT_FAULT} different recipients" in held["error"]
        relay.denies_everyone = False  # fixed
        assert alerts.execute() == 6
        assert alerts.execute() == 0
        messages = list(mailbox.messages)
    assert _undeliverable(bank) == []
    assert position(bank) == _alerting(bank, before)[-1]
    assert len(subjects_to(messages, asha)) == 3
    for name, amount in (("Ravi", 100), ("Meera", 200), ("Kiran", 300)):
        who, target = payees[name]
        assert subjects_to(messages, who) == [f"Credit alert: INR {amount}.00 to your account {target}"]


def test_a_batch_of_nothing_but_refusals_does_not_hold_the_next(
        bank: punq.Container, relay_port: int) -> None:
    alerts = bank.resolve(SendAlerts)
    asha, source, payees = _customers(bank)
    (ravi, to_ravi), (meera, to_meera) = payees["Ravi"], payees["Meera"]
    alerts.execute()
    alerts.choose(asha.id, AlertChoices(debit_above=None))  # Ravi's credit alone in its event
    before = position(bank)
    pay(bank, asha, source, to_ravi, "100.00")
    pay(bank, asha, source, to_meera, "200.00")
    with smtp_server(relay_port, _Relay(ravi.email)) as (mailbox, _):
        assert alerts.execute(batch=1) == 1  # reads on past a batch it could not settle
        assert alerts.execute(batch=1) == 0
        messages = list(mailbox.messages)
    assert subjects_to(messages, meera) == [f"Credit alert: INR 200.00 to your account {to_meera}"]
    sequences = _alerting(bank, before)
    assert position(bank) == sequences[-1]
    assert [e.details["event_sequence"] for e in _undeliverable(bank)] == [str(sequences[0])]
