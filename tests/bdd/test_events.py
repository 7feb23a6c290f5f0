"""Steps for features/events_and_webhooks.feature: a real receiver on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator

import punq
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from application.context import RequestContext
from application.use_cases import (
    DispatchEvents,
    ManageWebhooks,
    ReadEvents,
    TransferCommand,
    TransferMoney,
)
from domain.customer import Role
from domain.money import Money
from tests.bdd.conftest import World
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock
from tests.support.webhook_receiver import Receiver, verifies


@pytest.fixture
def bdd_env() -> dict[str, str]:
    return {"VAANI_WEBHOOK_ALLOW_HTTP": "1", "VAANI_WEBHOOK_PRIVATE_NETWORKS": "1"}


@pytest.fixture
def partner() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.close()


@given("Asha and Ravi bank with us, and Maya is an operator")
def people(bdd_bank: punq.Container, world: World) -> None:
    asha, ravi = customer(bdd_bank, first_name="Asha"), customer(bdd_bank, first_name="Ravi")
    world["customers"] = {"Asha": asha, "Ravi": ravi}
    world["accounts"] = {"Asha": account(bdd_bank, asha, "50000.00").account_number,
                         "Ravi": account(bdd_bank, ravi).account_number}
    world["maya"] = RequestContext(actor_id=customer(bdd_bank, Role.OPERATOR, "Maya").id)


@given(parsers.parse('Maya registered the partner\'s endpoint for "{kind}"'))
def registered(bdd_bank: punq.Container, world: World, partner: Receiver, kind: str) -> None:
    world["endpoint"] = bdd_bank.resolve(ManageWebhooks).add(partner.url, "partner", [kind],
                                                             world["maya"])


@given(parsers.parse("the partner's endpoint answers {status:d}"))
@when(parsers.parse("the partner's endpoint answers {status:d}"))
def answers(partner: Receiver, status: int) -> None:
    partner.status = status


@when(parsers.parse("Asha pays Ravi {amount} INR"))
def pays(bdd_bank: punq.Container, world: World, amount: str) -> None:
    bdd_bank.resolve(TransferMoney).execute(TransferCommand(
        customer_id=world["customers"]["Asha"].id, from_account_number=world["accounts"]["Asha"],
        to_account_number=world["accounts"]["Ravi"], amount=Money.parse(amount)))


@when("the dispatcher runs")
def dispatcher_runs(bdd_bank: punq.Container) -> None:
    bdd_bank.resolve(DispatchEvents).execute()


def _bodies(partner: Receiver) -> list[dict[str, object]]:
    return [json.loads(m.body) for m in partner.received]


@then(parsers.parse('the partner received {count:d} "{kind}" event for {amount} INR'))
def received(partner: Receiver, count: int, kind: str, amount: str) -> None:
    bodies = _bodies(partner)
    assert [(b["type"], b["data"]["amount"]) for b in bodies] == [(kind, amount)] * count  # type: ignore[index]


@then("every message's signature verifies with the endpoint's secret")
def signed(partner: Receiver, world: World, bdd_clock: SteppingClock) -> None:
    now = int(bdd_clock.now().timestamp())
    assert all(verifies(world["endpoint"].secret, m, now) for m in partner.received)


@then("the partner received nothing")
def nothing(partner: Receiver) -> None:
    assert partner.received == []


@then(parsers.parse("the partner received Asha's payments of {amounts} INR in that order"))
def in_order(partner: Receiver, amounts: str) -> None:
    wanted = [a.strip() for a in amounts.split(",")]
    assert [b["data"]["amount"] for b in _bodies(partner)] == wanted  # type: ignore[index]


@then(parsers.parse('{name}\'s event feed shows a "{kind}" event for {amount} INR'))
def feed_shows(bdd_bank: punq.Container, world: World, name: str, kind: str,
               amount: str) -> None:
    items = bdd_bank.resolve(ReadEvents).mine(world["customers"][name].id, after=None,
                                              limit=100).items
    assert (kind, amount) in [(e.type, e.data.get("amount")) for e in items]


@then(parsers.parse("{name}'s event feed shows none of Asha's payments"))
def feed_hides(bdd_bank: punq.Container, world: World, name: str) -> None:
    items = bdd_bank.resolve(ReadEvents).mine(world["customers"][name].id, after=None,
                                              limit=100).items
    assert all(e.customer_id == world["customers"][name].id for e in items)
    assert not [e for e in items if e.data.get("source") == world["accounts"]["Asha"]]


scenarios("events_and_webhooks.feature")
