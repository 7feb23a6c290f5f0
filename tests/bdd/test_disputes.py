"""Steps for features/disputes.feature (the payment, the operators, balances and refusals are
shared with the reversals feature: tests/bdd/conftest.py)."""

from __future__ import annotations

from datetime import timedelta

import punq
from pytest_bdd import parsers, scenarios, then, when

from application.context import RequestContext
from application.use_cases import DisputeCommand, ListDisputes, OpenDispute, WorkDisputes
from domain.dispute import DisputeReason
from domain.errors import DomainError
from tests.bdd.conftest import World
from tests.support.clock import SteppingClock

scenarios("disputes.feature")


def _attempt(world: World, act: object) -> None:
    world["error"] = None
    try:
        world["dispute"] = act()  # type: ignore[operator]
    except DomainError as error:
        world["error"] = error


@when(parsers.re(r'(?P<name>\w+) disputes the payment because "(?P<reason>\w+)": '
                 r'"(?P<text>[^"]+)"'))
def disputes(bdd_bank: punq.Container, world: World, name: str, reason: str, text: str) -> None:
    who = world["customers"][name]
    _attempt(world, lambda: bdd_bank.resolve(OpenDispute).execute(DisputeCommand(
        who, world["payment"].id, DisputeReason(reason), text, RequestContext(actor_id=who))))


@when(parsers.parse("{days:d} days pass"))
def days_pass(bdd_clock: SteppingClock, days: int) -> None:
    bdd_clock.advance(timedelta(days=days))


@when(parsers.parse("{name} takes the dispute"))
def takes(bdd_bank: punq.Container, world: World, name: str) -> None:
    _attempt(world, lambda: bdd_bank.resolve(WorkDisputes).investigate(
        world["dispute"].id, world["operators"][name]))


@when(parsers.re(r'(?P<name>\w+) resolves the dispute as (?P<outcome>refunded|rejected) '
                 r'with "(?P<note>[^"]+)"'))
def resolves(bdd_bank: punq.Container, world: World, name: str, outcome: str, note: str) -> None:
    work, case, who = bdd_bank.resolve(WorkDisputes), world["dispute"].id, world["operators"][name]
    _attempt(world, (lambda: work.refund(case, note, who)) if outcome == "refunded"
             else (lambda: work.reject(case, note, who)))


def _current(bdd_bank: punq.Container, world: World):  # type: ignore[no-untyped-def]
    assert world["error"] is None, world["error"]
    return bdd_bank.resolve(ListDisputes).get(None, world["dispute"].id)


@then(parsers.re(r'her dispute is "(?P<status>\w+)"(?: and due within (?P<days>\d+) days)?'))
def dispute_is(bdd_bank: punq.Container, world: World, status: str, days: str | None) -> None:
    found, _ = _current(bdd_bank, world)
    assert found.status.value == status
    if days is not None:
        assert found.due_by - found.opened_at == timedelta(days=int(days))


@then(parsers.parse('she is told "{note}"'))
def told(bdd_bank: punq.Container, world: World, note: str) -> None:
    assert _current(bdd_bank, world)[0].resolution == note
