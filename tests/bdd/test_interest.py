"""Steps for features/interest.feature (the clock starts 2026-11-22 in the features)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import punq
from pytest_bdd import given, parsers, scenarios, then, when

from application.ports import UnitOfWorkFactory
from application.use_cases import AccrueInterest, GetBalance, PostInterest, VerifyLedger
from domain.account import AccountType
from domain.errors import DomainError
from domain.interest import DENOMINATOR
from tests.bdd.conftest import World
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock

scenarios("interest.feature")


@given("the bank pays 3.50 % a year on savings")
def rate() -> None:
    """The default rate (VAANI_INTEREST_RATE=3.50)."""


@given(parsers.parse("Sunita has a savings account holding {savings} INR and a current account "
                     "holding {current} INR"))
def sunita(bdd_bank: punq.Container, world: World, savings: str, current: str) -> None:
    owner = customer(bdd_bank, first_name="Sunita")
    world["accounts"] = {"savings": account(bdd_bank, owner, savings).account_number,
                         "current": account(bdd_bank, owner, current,
                                            AccountType.CURRENT).account_number}


@when(parsers.parse("the bank accrues every day from {first} to {last}"))
def accrues_days(bdd_bank: punq.Container, bdd_clock: SteppingClock, first: str,
                 last: str) -> None:
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    month_after = (end.replace(day=28) + timedelta(days=4)).replace(day=1)
    bdd_clock.set(datetime.combine(month_after, time(6), UTC))  # the month's runs are done
    while day <= end:
        bdd_bank.resolve(AccrueInterest).execute(day)
        day += timedelta(days=1)


@when(parsers.re(r"the bank accrues (?P<day>[\d-]+)(?P<again> again)?$"))
def accrues(bdd_bank: punq.Container, bdd_clock: SteppingClock, world: World, day: str,
            again: str | None) -> None:
    bdd_clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    world.setdefault("runs", []).append(
        bdd_bank.resolve(AccrueInterest).execute(date.fromisoformat(day)))


@when(parsers.re(r"the bank posts the interest of (?P<month>[\d-]+)(?: again)?$"))
def posts(bdd_bank: punq.Container, world: World, month: str) -> None:
    try:
        bdd_bank.resolve(PostInterest).execute(month)
    except DomainError as error:
        world["refused"] = error.code


@then(parsers.parse("the month is refused as {code}"))
def refused(world: World, code: str) -> None:
    assert world.get("refused") == code


@then(parsers.parse("Sunita's {kind} account holds {amount} INR"))
def holds(bdd_bank: punq.Container, world: World, kind: str, amount: str) -> None:
    number = world["accounts"][kind]
    assert bdd_bank.resolve(GetBalance).execute(None, number).balance.format() == amount


@then(parsers.parse("{day} was accrued once"))
def accrued_once(world: World, day: str) -> None:
    assert [r.already for r in world["runs"]] == [False, True]


@then(parsers.parse("{paise} paise of November are carried into December"))
def carried(bdd_bank: punq.Container, paise: str) -> None:
    with bdd_bank.resolve(UnitOfWorkFactory)() as uow:
        [posting] = list(uow.interest.postings())
    assert f"{posting.carried_out / DENOMINATOR:.2f}" == paise


@then("the ledger and the interest prove each other")
def proven(bdd_bank: punq.Container) -> None:
    report = bdd_bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems
