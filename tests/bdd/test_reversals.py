"""Steps for features/reversals.feature."""

from __future__ import annotations

from datetime import timedelta

import punq
from pytest_bdd import given, parsers, scenarios, then, when

from application.context import RequestContext
from application.use_cases import (
    CashCommand,
    DecideReversal,
    GetBalance,
    GetTransfer,
    ProposeReversal,
    ReversalCommand,
    TransferCommand,
    TransferMoney,
    VerifyLedger,
    Withdraw,
)
from domain.customer import Role
from domain.errors import DomainError
from domain.money import Money
from domain.reversal import ReversalStatus
from tests.bdd.conftest import World
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock

scenarios("reversals.feature")


@given(parsers.parse("Asha paid Ravi {amount} INR"))
def asha_paid_ravi(bdd_bank: punq.Container, world: World, amount: str) -> None:
    asha, ravi = customer(bdd_bank, first_name="Asha"), customer(bdd_bank, first_name="Ravi")
    world["accounts"] = {"Asha": account(bdd_bank, asha, "50000.00").account_number,
                         "Ravi": account(bdd_bank, ravi).account_number}
    world["payment"] = bdd_bank.resolve(TransferMoney).execute(TransferCommand(
        customer_id=asha.id, from_account_number=world["accounts"]["Asha"],
        to_account_number=world["accounts"]["Ravi"], amount=Money.parse(amount))).transfer
    assert world["payment"].posted_at is not None, world["payment"].status


@given(parsers.parse("{first} and {second} are operators"))
def operators(bdd_bank: punq.Container, world: World, first: str, second: str) -> None:
    world["operators"] = {name: RequestContext(actor_id=customer(bdd_bank, Role.OPERATOR, name).id)
                          for name in (first, second)}


@given(parsers.parse("Ravi withdrew {amount} INR in cash"))
def ravi_withdrew(bdd_bank: punq.Container, world: World, amount: str) -> None:
    bdd_bank.resolve(Withdraw).execute(CashCommand(world["accounts"]["Ravi"], Money.parse(amount)))


def _attempt(world: World, act: object) -> None:
    world["error"] = None
    try:
        world["reversal"] = act()  # type: ignore[operator]
    except DomainError as error:
        world["error"] = error


@when(parsers.re(r'(?P<name>\w+) proposes reversing (?:(?P<amount>[\d.]+) INR of )?the payment '
                 r'because "(?P<reason>[^"]+)"'))
def proposes(bdd_bank: punq.Container, world: World, name: str, amount: str | None,
             reason: str) -> None:
    _attempt(world, lambda: bdd_bank.resolve(ProposeReversal).execute(ReversalCommand(
        world["payment"].id, reason, world["operators"][name],
        Money.parse(amount) if amount else None)))


@when(parsers.parse("{name} approves the reversal"))
def approves(bdd_bank: punq.Container, world: World, name: str) -> None:
    proposal = world["reversal"]
    _attempt(world, lambda: bdd_bank.resolve(DecideReversal).approve(
        proposal.id, world["operators"][name]))


@when(parsers.parse("{hours:d} hours pass"))
def hours_pass(bdd_clock: SteppingClock, hours: int) -> None:
    bdd_clock.advance(timedelta(hours=hours))


@then("the reversal waits for approval")
def waits(world: World) -> None:
    assert world["error"] is None, world["error"]
    assert world["reversal"].status is ReversalStatus.PENDING_APPROVAL


@then("the reversal is posted")
def posted(world: World) -> None:
    assert world["error"] is None, world["error"]
    assert world["reversal"].status is ReversalStatus.POSTED


@then(parsers.parse('it is refused with "{code}"'))
def refused(world: World, code: str) -> None:
    assert world["error"] is not None and world["error"].code == code, world["error"]


@then(parsers.re(r"(?P<name>\w+)'s account (?:still )?holds (?P<amount>[\d.]+) INR"))
def holds(bdd_bank: punq.Container, world: World, name: str, amount: str) -> None:
    number = world["accounts"][name]
    assert bdd_bank.resolve(GetBalance).execute(None, number).balance.format() == amount


@then(parsers.parse("the payment shows {amount} INR still reversible"))
def still_reversible(bdd_bank: punq.Container, world: World, amount: str) -> None:
    view = bdd_bank.resolve(GetTransfer).execute(None, world["payment"].id, RequestContext())
    assert view.reversals is not None and view.reversals.reversible.format() == amount


@then("the ledger still verifies")
def verifies(bdd_bank: punq.Container) -> None:
    report = bdd_bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems
