"""How the dispatcher chooses what to send, on the memory, SQLite and PostgreSQL profiles: an
endpoint that hangs delays only its own deliveries; a disable or a rotation committed mid-pass
is obeyed by the next send; a delivery being sent cannot be replayed under that send; the
endpoints a member of staff registered stop when they are disabled. The subject is scheduling,
so the network is the sender port scripted against an injected clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

import attrs
import punq
import pytest

from adapters.system.standard_webhooks import new_secret
from application.context import RequestContext
from application.event_ports import WebhookSender
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    DispatchEvents,
    ManageStaff,
    ManageWebhooks,
    TransferCommand,
    TransferMoney,
)
from application.webhook_policy import WebhookPolicy
from domain.customer import Role
from domain.errors import WebhookDeliveryInFlight
from domain.webhook import AttemptResult, DeliveryStatus, EndpointStatus
from tests.support.banking import account, customer, inr
from tests.support.clock import SteppingClock

HANGING = "https://hangs.example.in/hook"
HEALTHY = "https://healthy.example.in/hook"
OTHER = "https://other.example.in/hook"
TYPES = ["transfer.posted"]


@attrs.frozen
class Sent:
    url: str
    secrets: tuple[str, ...]
    at: datetime


class ScriptedSender:
    """The WebhookSender port with the network scripted: a `hanging` URL never answers (the
    try costs the clock the whole timeout), any other answers 204 at once; `before[n]` runs on
    the n-th call (from 1) before it answers, as staff acting mid-pass would."""

    def __init__(self, clock: SteppingClock) -> None:
        self.clock = clock
        self.hanging: set[str] = set()
        self.before: dict[int, Callable[[], object]] = {}
        self.sent: list[Sent] = []

    def new_secret(self) -> str:
        return new_secret()

    def send(self, url: str, message_id: str, timestamp: int, body: str,
             secrets: list[str], timeout: float) -> AttemptResult:
        self.sent.append(Sent(url, tuple(secrets), self.clock.now()))
        if (hook := self.before.get(len(self.sent))) is not None:
            hook()
        if url in self.hanging:
            self.clock.advance(timedelta(seconds=timeout))
            return AttemptResult(None, int(timeout * 1000), "no answer within the timeout")
        return AttemptResult(204, 1)

    def urls(self) -> list[str]:
        return [s.url for s in self.sent]


@pytest.fixture
def sender(bank: punq.Container, clock: SteppingClock) -> ScriptedSender:
    made = ScriptedSender(clock)
    bank.register(WebhookSender, instance=made)  # before any use case that sends is resolved
    return made


class Payers:
    """Customers with money, each paying one payee; made before any endpoint, so their opening
    deposits are owed to none."""

    def __init__(self, bank: punq.Container, count: int) -> None:
        self.bank = bank
        self.payee = account(bank, customer(bank)).account_number
        self.people = [(who.id, account(bank, who, "100.00").account_number)
                       for who in (customer(bank) for _ in range(count))]

    def pay(self, *which: int) -> None:
        for n in which or range(len(self.people)):
            payer, source = self.people[n]
            self.bank.resolve(TransferMoney).execute(TransferCommand(
                customer_id=payer, from_account_number=source, to_account_number=self.payee,
                amount=inr("1.00")))


def _staff(bank: punq.Container, role: Role = Role.OPERATOR) -> tuple[RequestContext, str]:
    who = customer(bank, role)
    return RequestContext(actor_id=who.id), who.customer_number


def test_an_endpoint_that_never_answers_delays_only_its_own_deliveries(
        bank: punq.Container, sender: ScriptedSender, clock: SteppingClock) -> None:
    payers = Payers(bank, 50)
    manage, (ops, _) = bank.resolve(ManageWebhooks), _staff(bank)
    manage.add(HANGING, "", TYPES, ops)
    manage.add(HEALTHY, "", TYPES, ops)
    sender.hanging.add(HANGING)
    payers.pay()
    dispatch = bank.resolve(DispatchEvents)
    assert dispatch.fan_out() == 100
    start, timeout = clock.now(), bank.resolve(WebhookPolicy).retry.timeout
    run = dispatch.deliver_due(100)
    healthy = [s.at - start for s in sender.sent if s.url == HEALTHY]
    assert run.delivered == 50 and len(healthy) == 50
    assert max(healthy) <= 2 * timeout, max(healthy)
    assert sender.urls().count(HANGING) == 1  # after its failed try, not again this pass


def test_an_endpoint_owed_much_does_not_fill_a_batch_alone(
        bank: punq.Container, sender: ScriptedSender) -> None:
    payers = Payers(bank, 12)
    manage, (ops, _) = bank.resolve(ManageWebhooks), _staff(bank)
    manage.add(HANGING, "", TYPES, ops)
    sender.hanging.add(HANGING)
    payers.pay()  # twelve customers' deliveries owed to the hanging endpoint, all older...
    dispatch = bank.resolve(DispatchEvents)
    dispatch.fan_out()
    manage.add(HEALTHY, "", TYPES, ops)
    payers.pay(0)  # ...than the healthy endpoint's one
    dispatch.fan_out()
    dispatch.deliver_due(4)
    assert sender.urls() == [HANGING, HEALTHY]


def test_an_endpoint_disabled_mid_pass_is_sent_nothing_more(
        bank: punq.Container, sender: ScriptedSender) -> None:
    payers = Payers(bank, 2)
    manage, (ops, _) = bank.resolve(ManageWebhooks), _staff(bank)
    made = manage.add(HEALTHY, "", TYPES, ops).endpoint
    sender.before[1] = lambda: manage.disable(made.id, ops)
    payers.pay()
    dispatch = bank.resolve(DispatchEvents)
    assert dispatch.fan_out() == 2
    assert dispatch.deliver_due(10).delivered == 1 and len(sender.sent) == 1
    assert manage.get(made.id).status is EndpointStatus.DISABLED
    waiting = manage.deliveries(made.id, status=DeliveryStatus.PENDING)
    assert len(waiting) == 1 and waiting[0].tries == 0 and waiting[0].leased_until is None
    assert manage.attempts(waiting[0].id) == []
    manage.enable(made.id, ops)  # what it was owed goes when it is enabled
    assert dispatch.deliver_due(10).delivered == 1 and len(sender.sent) == 2


def test_a_secret_rotated_mid_pass_signs_the_next_send(
        bank: punq.Container, sender: ScriptedSender) -> None:
    payers = Payers(bank, 2)
    manage, (ops, _) = bank.resolve(ManageWebhooks), _staff(bank)
    made = manage.add(HEALTHY, "", TYPES, ops)
    rotated: list[str] = []
    sender.before[1] = lambda: rotated.append(manage.rotate_secret(made.endpoint.id, ops).secret)
    payers.pay()
    dispatch = bank.resolve(DispatchEvents)
    dispatch.fan_out()
    assert dispatch.deliver_due(10).delivered == 2
    assert [s.secrets for s in sender.sent] == [(made.secret,), (rotated[0], made.secret)]


def test_a_delivery_being_sent_is_not_replayed_under_that_send(
        bank: punq.Container, sender: ScriptedSender) -> None:
    payers = Payers(bank, 1)
    manage, (ops, _) = bank.resolve(ManageWebhooks), _staff(bank)
    made = manage.add(HEALTHY, "", TYPES, ops).endpoint
    payers.pay()
    dispatch = bank.resolve(DispatchEvents)
    dispatch.fan_out()
    owed = manage.deliveries(made.id)[0]
    refused: list[str] = []

    def replay_while_sending() -> None:
        with pytest.raises(WebhookDeliveryInFlight) as caught:
            manage.replay(made.id, ops, delivery_id=owed.id)
        refused.append(caught.value.code)

    sender.before[1] = replay_while_sending
    assert dispatch.deliver_due(10).delivered == 1
    assert refused == ["webhook_delivery_in_flight"]
    assert [a.attempt for a in manage.attempts(owed.id)] == [1]  # that try's line is kept
    assert manage.deliveries(made.id)[0].status is DeliveryStatus.DELIVERED
    # Once the try is written, the replay is taken: one more send, a second line.
    assert manage.replay(made.id, ops, delivery_id=owed.id) == 1
    assert dispatch.deliver_due(10).delivered == 1 and len(sender.sent) == 2
    assert [a.attempt for a in manage.attempts(owed.id)] == [1, 2]


def _audited(bank: punq.Container, action: str) -> list[tuple[str, UUID | None, str]]:
    with bank.resolve(UnitOfWorkFactory)() as uow:
        return [(e.resource, e.actor_id, e.details.get("reason", ""))
                for e in uow.audit.all_in_order() if e.action == action]


def test_disabling_a_member_of_staff_disables_the_endpoints_they_registered(
        bank: punq.Container, sender: ScriptedSender) -> None:
    payers = Payers(bank, 1)
    manage = bank.resolve(ManageWebhooks)
    (olga, olga_number), (admin, _) = _staff(bank), _staff(bank, Role.ADMIN)
    theirs = manage.add(HEALTHY, "", TYPES, olga).endpoint
    kept = manage.add(OTHER, "", TYPES, admin).endpoint
    assert theirs.created_by == olga.actor_id and kept.created_by == admin.actor_id
    dispatch = bank.resolve(DispatchEvents)
    payers.pay()
    dispatch.fan_out()  # owed to her endpoint before she leaves
    bank.resolve(ManageStaff).disable(olga_number, admin)
    payers.pay()
    dispatch.execute()
    assert sender.urls() == [OTHER, OTHER]
    assert manage.get(theirs.id).status is EndpointStatus.DISABLED
    assert manage.get(kept.id).status is EndpointStatus.ACTIVE
    assert _audited(bank, "webhook.disabled") == [
        (f"webhook:{theirs.id}", admin.actor_id, "staff.disabled")]


def test_a_member_of_staff_moved_to_a_role_without_webhooks_loses_their_endpoints(
        bank: punq.Container, sender: ScriptedSender) -> None:
    manage = bank.resolve(ManageWebhooks)
    (ravi, ravi_number), (admin, _) = _staff(bank), _staff(bank, Role.ADMIN)
    theirs = manage.add(HEALTHY, "", TYPES, ravi).endpoint
    bank.resolve(ManageStaff).set_role(ravi_number, Role.TELLER, admin)
    assert manage.get(theirs.id).status is EndpointStatus.DISABLED
    assert _audited(bank, "webhook.disabled") == [
        (f"webhook:{theirs.id}", admin.actor_id, "staff.role")]
