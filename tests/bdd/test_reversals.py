"""Steps for features/reversals.feature."""

from __future__ import annotations

import punq
from pytest_bdd import given, parsers, scenarios, then, when

from application.context import RequestContext
from application.use_cases import (
    CashCommand,
    DecideReversal,
    GetTransfer,
    ProposeReversal,
    ReversalCommand,
    VerifyLedger,
    Withdraw,
)
from domain.errors import DomainError
from domain.money import Money
from domain.reversal import ReversalStatus
from tests.bdd.conftest import World

scenarios("reversals.feature")


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


@then("the reversal waits for approval")
def waits(world: World) -> None:
    assert world["error"] is None, world["error"]
    assert world["reversal"].status is ReversalStatus.PENDING_APPROVAL


@then("the reversal is posted")
def posted(world: World) -> None:
    assert world["error"] is None, world["error"]
    assert world["reversal"].status is ReversalStatus.POSTED


@then(parsers.parse("the payment shows {amount} INR still reversible"))
def still_reversible(bdd_bank: punq.Container, world: World, amount: str) -> None:
    view = bdd_bank.resolve(GetTransfer).execute(None, world["payment"].id, RequestContext())
    assert view.reversals is not None and view.reversals.reversible.format() == amount


@then("the ledger still verifies")
def verifies(bdd_bank: punq.Container) -> None:
    report = bdd_bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems
