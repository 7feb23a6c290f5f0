"""Steps for features/standing_orders.feature."""

from __future__ import annotations

from datetime import timedelta

import punq
from pytest_bdd import given, parsers, scenarios, then, when

from application.context import RequestContext
from application.use_cases import (
    ManageStandingOrders,
    RunDueStandingOrders,
    StandingOrderDetails,
)
from domain.money import Money
from tests.bdd.conftest import World
from tests.support.banking import account, customer, deposit
from tests.support.clock import SteppingClock

scenarios("standing_orders.feature")


@given(parsers.parse("Asha has {amount} INR and Ravi has an account"))
def asha_and_ravi(bdd_bank: punq.Container, world: World, amount: str) -> None:
    asha = customer(bdd_bank, first_name="Asha")
    world["asha"] = asha
    world["accounts"] = {"Asha": account(bdd_bank, asha, amount).account_number,
                         "Ravi": account(bdd_bank, customer(bdd_bank)).account_number}


@when(parsers.re(r"Asha schedules (?P<amount>[\d.]+) INR to Ravi (?P<how>monthly from|once) "
                 r"tomorrow"))
def schedules(bdd_bank: punq.Container, bdd_clock: SteppingClock, world: World, amount: str,
              how: str) -> None:
    world["order"] = bdd_bank.resolve(ManageStandingOrders).add(
        world["asha"].id, StandingOrderDetails(
            world["accounts"]["Asha"], Money.parse(amount), bdd_clock.now() + timedelta(days=1),
            to_account_number=world["accounts"]["Ravi"],
            rrule="FREQ=MONTHLY" if how == "monthly from" else None), RequestContext())


@when(parsers.re(r'Asha sends (?P<amount>[\d.]+) INR to Ravi monthly from tomorrow twice under '
                 r'the key "(?P<key>[^"]+)"'))
def sends_twice(bdd_bank: punq.Container, bdd_clock: SteppingClock, world: World, amount: str,
                key: str) -> None:
    details = StandingOrderDetails(
        world["accounts"]["Asha"], Money.parse(amount), bdd_clock.now() + timedelta(days=1),
        to_account_number=world["accounts"]["Ravi"], rrule="FREQ=MONTHLY")
    manage = bdd_bank.resolve(ManageStandingOrders)
    first, again = (manage.place(world["asha"].id, details, RequestContext(), key)
                    for _ in range(2))
    assert (again.order.id, again.replayed) == (first.order.id, True)
    world["order"] = first.order


@when(parsers.parse("Asha pays in {amount} INR"))
def pays_in(bdd_bank: punq.Container, world: World, amount: str) -> None:
    deposit(bdd_bank, world["accounts"]["Asha"], amount)


@when(parsers.re(r"(?P<count>\d+) (?P<unit>days|hours) pass and the bank runs its standing "
                 r"orders"))
def time_passes_and_runs(bdd_bank: punq.Container, bdd_clock: SteppingClock, count: str,
                         unit: str) -> None:
    bdd_clock.advance(timedelta(**{unit: int(count)}))
    bdd_bank.resolve(RunDueStandingOrders).execute()


@when("the bank runs its standing orders again")
def runs_again(bdd_bank: punq.Container) -> None:
    bdd_bank.resolve(RunDueStandingOrders).execute()


@when(parsers.re(r"Asha (?P<verb>pause|resume|cancel)s the standing order"))
def changes(bdd_bank: punq.Container, world: World, verb: str) -> None:
    getattr(bdd_bank.resolve(ManageStandingOrders), verb)(
        world["asha"].id, world["order"].id, RequestContext())


@then(parsers.parse('the occurrence is "{status}" because of "{code}"'))
def occurrence_is(bdd_bank: punq.Container, world: World, status: str, code: str) -> None:
    view = bdd_bank.resolve(ManageStandingOrders).show(world["asha"].id, world["order"].id)
    latest = view.occurrences[0]
    assert latest.status.value == status and (latest.reason or "").startswith(code), latest
