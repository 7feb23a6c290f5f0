"""Steps for features/teller_cash.feature."""

from __future__ import annotations

import punq
from pytest_bdd import given, parsers, scenarios, then, when

from application.context import RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import CloseTillDay, GetBalance, TellerCash, TellerCommand
from domain.customer import Role
from domain.errors import DomainError
from domain.money import Money
from domain.till import CashKind
from tests.bdd.conftest import World
from tests.support.banking import account, customer

scenarios("teller_cash.feature")


@given("Tara is a teller and Meera has an account")
def teller_and_customer(bdd_bank: punq.Container, world: World) -> None:
    world["tara"] = RequestContext(actor_id=customer(bdd_bank, Role.TELLER, "Tara").id)
    world["accounts"] = {"Meera": account(bdd_bank, customer(bdd_bank, first_name="Meera")
                                          ).account_number}


@given("Ravi is a teller too")
def ravi(bdd_bank: punq.Container, world: World) -> None:
    world["ravi"] = RequestContext(actor_id=customer(bdd_bank, Role.TELLER, "Ravi").id)


def _move(bdd_bank: punq.Container, world: World, kind: CashKind, amount: str,
          slip: str | None, teller: str = "tara", holder: str = "Meera") -> None:
    world["error"] = None
    try:
        bdd_bank.resolve(TellerCash).execute(TellerCommand(
            kind, world["accounts"][holder], Money.parse(amount), world[teller],
            idempotency_key=slip))
    except DomainError as error:
        world["error"] = error


@when(parsers.re(r'(?P<who>Tara|Ravi) takes in (?P<amount>[\d.]+) INR for Meera'
                 r'(?: on slip "(?P<slip>[^"]+)")?$'))
def takes_in(bdd_bank: punq.Container, world: World, who: str, amount: str,
             slip: str | None) -> None:
    _move(bdd_bank, world, CashKind.DEPOSIT, amount, slip, who.lower())


@when(parsers.parse("Tara takes in {amount} INR for herself"))
def takes_in_for_herself(bdd_bank: punq.Container, world: World, amount: str) -> None:
    tara = world["tara"].actor_id
    with bdd_bank.resolve(UnitOfWorkFactory)() as uow:
        found = uow.customers.get(tara)
    assert found is not None
    world["accounts"]["Tara"] = account(bdd_bank, found).account_number
    _move(bdd_bank, world, CashKind.DEPOSIT, amount, None, holder="Tara")


@when(parsers.parse("Tara pays out {amount} INR to Meera"))
def pays_out(bdd_bank: punq.Container, world: World, amount: str) -> None:
    _move(bdd_bank, world, CashKind.WITHDRAWAL, amount, None)


@when("the day is closed")
def day_closed(bdd_bank: punq.Container, world: World) -> None:
    close = bdd_bank.resolve(CloseTillDay)
    world["tills"] = close.execute(close.today(), RequestContext())


@then(parsers.parse("Meera's account holds {amount} INR"))
def meera_holds(bdd_bank: punq.Container, world: World, amount: str) -> None:
    number = world["accounts"]["Meera"]
    assert bdd_bank.resolve(GetBalance).execute(None, number).balance.format() == amount


@then(parsers.parse("Tara's till took in {took} INR and paid out {paid} INR, as the ledger says"))
def till_totals(world: World, took: str, paid: str) -> None:
    [report] = world["tills"]
    assert (report.totals.deposited.format(), report.totals.withdrawn.format()) == (took, paid)
    assert report.balanced


@then(parsers.re(r"(?P<who>Tara|Ravi)'s till takes no more cash today"))
def till_closed(bdd_bank: punq.Container, world: World, who: str) -> None:
    _move(bdd_bank, world, CashKind.DEPOSIT, "1.00", None, who.lower())
    assert world["error"] is not None and world["error"].code == "till_closed"


@then(parsers.parse('the request is refused with "{code}"'))
def refused(world: World, code: str) -> None:
    assert world["error"] is not None and world["error"].code == code, world["error"]
