"""Webhooks on the memory, SQLite and PostgreSQL profiles, to a real HTTP receiver on loopback
that fails, times out and recovers: every event is delivered at least once, none lost, each
customer's in order, signed so that a verifier written from the specification accepts it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import attrs
import punq
import pytest

from application.context import RequestContext
from application.use_cases import DispatchEvents, ManageWebhooks, TransferCommand, TransferMoney
from domain.customer import Role
from domain.errors import ValidationError
from domain.webhook import DeliveryStatus
from tests.support.banking import account, customer, inr
from tests.support.clock import SteppingClock
from tests.support.webhook_receiver import Receiver, verifies

HOUR = timedelta(hours=1)


@pytest.fixture
def bank_env() -> dict[str, str]:
    return {"VAANI_WEBHOOK_ALLOW_HTTP": "1",
            "VAANI_WEBHOOK_PRIVATE_NETWORKS": "1", "VAANI_WEBHOOK_MAX_ATTEMPTS": "3",
            "VAANI_WEBHOOK_TIMEOUT_SECONDS": "1", "VAANI_WEBHOOK_LEASE_SECONDS": "5",
            "VAANI_WEBHOOK_FIRST_RETRY_SECONDS": "10", "VAANI_WEBHOOK_MAX_RETRY_SECONDS": "60"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.close()


def _operator(bank: punq.Container) -> RequestContext:
    return RequestContext(actor_id=customer(bank, Role.OPERATOR).id)


class Payer:
    """A customer with money and someone to pay, made before an endpoint is registered (so the
    opening deposits are not among the events the test counts)."""

    def __init__(self, bank: punq.Container) -> None:
        self.bank, self.customer = bank, customer(bank)
        self.source = account(bank, self.customer, "50000.00").account_number
        self.target = account(bank, customer(bank)).account_number

    def pays(self, *amounts: str) -> None:
        for amount in amounts:
            self.bank.resolve(TransferMoney).execute(TransferCommand(
                customer_id=self.customer.id, from_account_number=self.source,
                to_account_number=self.target, amount=inr(amount)))


def _now(clock: SteppingClock) -> int:
    return int(clock.now().timestamp())


def test_each_event_arrives_signed_and_each_customers_in_order(
        bank: punq.Container, receiver: Receiver, clock: SteppingClock) -> None:
    asha, ravi = Payer(bank), Payer(bank)
    made = bank.resolve(ManageWebhooks).add(receiver.url, "ledger sync", ["transfer.posted"],
                                            _operator(bank))
    asha.pays("1.00", "2.00", "3.00")
    ravi.pays("4.00", "5.00")
    run = bank.resolve(DispatchEvents).execute()
    assert (run.owed, run.delivered, run.failed, run.dead) == (5, 5, 0, 0)
    got = receiver.wait_for(5)
    assert all(verifies(made.secret, m, _now(clock)) for m in got)
    bodies = [json.loads(m.body) for m in got]
    assert {b["type"] for b in bodies} == {"transfer.posted"}
    assert [m.headers["webhook-id"] for m in got] == [b["id"] for b in bodies]
    for who, amounts in ((asha, ["1.00", "2.00", "3.00"]), (ravi, ["4.00", "5.00"])):
        assert [b["data"]["amount"] for b in bodies
                if b["customer_id"] == str(who.customer.id)] == amounts
    # A forged body, or the right body under another secret, does not verify.
    forged = attrs.evolve(got[0], body=got[0].body.replace(b"1.00", b"9.00"))
    assert not verifies(made.secret, forged, _now(clock))
    assert bank.resolve(DispatchEvents).execute().owed == 0  # each event owed once


def test_a_failing_endpoint_is_retried_with_backoff_and_loses_nothing(
        bank: punq.Container, receiver: Receiver, clock: SteppingClock) -> None:
    manage = bank.resolve(ManageWebhooks)
    asha = Payer(bank)
    made = manage.add(receiver.url, "", None, _operator(bank))
    receiver.status = 503
    asha.pays("1.00", "2.00")
    dispatch = bank.resolve(DispatchEvents)
    first = dispatch.execute()
    assert first.delivered == 0 and first.failed >= 1
    tried = receiver.tried
    assert dispatch.execute().failed == 0 and receiver.tried == tried  # not due yet: no try
    receiver.status = 200
    clock.advance(HOUR)  # past any backoff
    while dispatch.execute().delivered:
        clock.advance(HOUR)
    got = receiver.received
    asha_amounts = [json.loads(m.body)["data"].get("amount") for m in got
                    if json.loads(m.body)["customer_id"] == str(asha.customer.id)
                    and json.loads(m.body)["type"] == "transfer.posted"]
    assert asha_amounts == ["1.00", "2.00"]
    owed = manage.deliveries(made.endpoint.id, limit=100)
    assert owed and all(d.status is DeliveryStatus.DELIVERED for d in owed)
    log = manage.attempts(owed[0].id)
    assert [a.status_code for a in log][:1] == [503] and log[-1].status_code == 200


def test_a_slow_endpoint_times_out_then_dies_and_is_replayed_by_hand(
        bank: punq.Container, receiver: Receiver, clock: SteppingClock) -> None:
    manage = bank.resolve(ManageWebhooks)
    payer = Payer(bank)
    made = manage.add(receiver.url, "", ["transfer.posted"], _operator(bank))
    receiver.hold = 3.0  # past the 1-second timeout
    payer.pays("7.00")
    dispatch = bank.resolve(DispatchEvents)
    for _ in range(3):  # VAANI_WEBHOOK_MAX_ATTEMPTS
        dispatch.execute()
        clock.advance(HOUR)
    dead = manage.deliveries(made.endpoint.id, status=DeliveryStatus.DEAD)
    assert len(dead) == 1 and dead[0].tries == 3
    assert dead[0].last_error == "no answer within the timeout"
    receiver.hold = 0.0
    assert manage.replay(made.endpoint.id, _operator(bank), dead=True) == 1
    assert dispatch.execute().delivered == 1
    assert verifies(made.secret, receiver.wait_for(1)[0], _now(clock))
    assert [a.attempt for a in manage.attempts(dead[0].id)] == [1, 2, 3, 4]


def test_a_rotated_secret_and_the_previous_one_both_sign_during_the_overlap(
        bank: punq.Container, receiver: Receiver, clock: SteppingClock) -> None:
    manage = bank.resolve(ManageWebhooks)
    first, second = Payer(bank), Payer(bank)
    made = manage.add(receiver.url, "", ["transfer.posted"], _operator(bank))
    rotated = manage.rotate_secret(made.endpoint.id, _operator(bank))
    assert rotated.secret != made.secret
    first.pays("1.00")
    bank.resolve(DispatchEvents).execute()
    message = receiver.wait_for(1)[0]
    assert verifies(made.secret, message, _now(clock))
    assert verifies(rotated.secret, message, _now(clock))
    clock.advance(timedelta(hours=25))  # past VAANI_WEBHOOK_SECRET_OVERLAP_HOURS
    second.pays("2.00")
    bank.resolve(DispatchEvents).execute()
    later = receiver.wait_for(2)[1]
    assert verifies(rotated.secret, later, _now(clock))
    assert not verifies(made.secret, later, _now(clock))


def test_a_disabled_endpoint_is_sent_nothing_until_enabled(
        bank: punq.Container, receiver: Receiver) -> None:
    manage = bank.resolve(ManageWebhooks)
    payer = Payer(bank)
    made = manage.add(receiver.url, "", ["transfer.posted"], _operator(bank))
    manage.disable(made.endpoint.id, _operator(bank))
    payer.pays("1.00")
    assert bank.resolve(DispatchEvents).execute().delivered == 0 and receiver.tried == 0
    manage.enable(made.endpoint.id, _operator(bank))
    assert bank.resolve(DispatchEvents).execute().delivered == 1


def test_endpoints_are_checked(bank: punq.Container) -> None:
    manage = bank.resolve(ManageWebhooks)
    for url in ("ftp://example.com/x", "http://user:pw@example.com/", "not a url",
                "https://example.com/#frag", "https://:99/"):
        with pytest.raises(ValidationError):
            manage.add(url, "", None, _operator(bank))
    with pytest.raises(ValidationError):
        manage.add("https://example.com/hook", "", ["transfer.teleported"], _operator(bank))
