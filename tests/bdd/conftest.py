"""The bank the features talk to (memory profile by default, SQLite with --bdd-profile), and
the steps several features share."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import punq
import pytest
from pytest_bdd import given, parsers, then, when

from adapters.voice.resemblyzer_engine import ResemblyzerVoiceEngine
from application.context import SYSTEM, RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    GetBalance,
    ListAuditEvents,
    OperateCustomers,
    RegisterCommand,
    RegisterCustomer,
    TransferCommand,
    TransferMoney,
)
from domain.customer import KycStatus, Role
from domain.money import Money
from entrypoints.bootstrap import bootstrap, prepare_database
from tests.conftest import settings_for
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock
from tests.support.spoken import HeardDigits

World = dict[str, Any]


@pytest.fixture
def bdd_clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture(scope="session")
def real_voice_engine() -> ResemblyzerVoiceEngine:
    """The real model, shared by every scenario; it loads on the first voice step only."""
    return ResemblyzerVoiceEngine()


@pytest.fixture
def bdd_env() -> dict[str, str]:
    """More VAANI_* settings for `bdd_bank`: a feature's module overrides this to run on a
    bank configured otherwise (a demo's notifier, whose log shows the codes it sends)."""
    return {}


@pytest.fixture
def bdd_bank(request: pytest.FixtureRequest, tmp_path: Path, bdd_clock: SteppingClock,
             real_voice_engine: ResemblyzerVoiceEngine,
             bdd_env: dict[str, str]) -> Iterator[punq.Container]:
    profile = request.config.getoption("--bdd-profile")
    wired = bootstrap(settings_for(f"sqlite:///{tmp_path / 'bdd.db'}", profile, bdd_env),
                      clock=bdd_clock, voice_engine=real_voice_engine, ids=HeardDigits())
    prepare_database(wired)
    yield wired
    wired.resolve(UnitOfWorkFactory).close()


@pytest.fixture
def world() -> World:
    """What a scenario has done and been told."""
    return {"error": None, "people": {}}


@given(parsers.parse('{name} is a customer whose password is "{password}"'))
def customer_with_password(bdd_bank: punq.Container, world: World, name: str,
                           password: str) -> None:
    """A customer of the bank: registered, and KYC completed at the branch."""
    n = len(world["people"]) + 1
    registered = bdd_bank.resolve(RegisterCustomer).execute(RegisterCommand(
        first_name=name, last_name="Feature", email=f"{name.lower()}{n}@example.in",
        phone_number=f"+9198700000{n:02d}", password=password))
    world["people"][name] = bdd_bank.resolve(OperateCustomers).set_kyc(
        registered.customer_number, KycStatus.FULL, SYSTEM)
    world["password"] = password


@when(parsers.parse("{minutes:d} minutes pass"))
def minutes_pass(bdd_clock: SteppingClock, minutes: int) -> None:
    bdd_clock.advance(timedelta(minutes=minutes))


@when(parsers.parse("{seconds:d} seconds pass"))
def seconds_pass(bdd_clock: SteppingClock, seconds: int) -> None:
    bdd_clock.advance(timedelta(seconds=seconds))


@then(parsers.re(r"the (?:login|refresh|sign-up) is refused with \"(?P<code>\w+)\""))
def refused_with(world: World, code: str) -> None:
    assert world["error"] is not None, "expected a refusal"
    assert world["error"].code == code, world["error"]


@then("she is logged in")
def logged_in(world: World) -> None:
    assert world["error"] is None, world["error"]
    assert world["issued"].access_token and world["issued"].refresh_token


def audit_actions(bank: punq.Container) -> list[tuple[str, str, object]]:
    return [(e.action, e.outcome, e.customer_id)
            for e in bank.resolve(ListAuditEvents).execute(limit=100).items]


# Steps of the money operations' features (reversals, disputes).

@given(parsers.parse("Asha paid Ravi {amount} INR"))
def asha_paid_ravi(bdd_bank: punq.Container, world: World, amount: str) -> None:
    asha, ravi = customer(bdd_bank, first_name="Asha"), customer(bdd_bank, first_name="Ravi")
    world["accounts"] = {"Asha": account(bdd_bank, asha, "50000.00").account_number,
                         "Ravi": account(bdd_bank, ravi).account_number}
    world["customers"] = {"Asha": asha.id, "Ravi": ravi.id}
    world["payment"] = bdd_bank.resolve(TransferMoney).execute(TransferCommand(
        customer_id=asha.id, from_account_number=world["accounts"]["Asha"],
        to_account_number=world["accounts"]["Ravi"], amount=Money.parse(amount))).transfer
    assert world["payment"].posted_at is not None, world["payment"].status


@given(parsers.parse("{first} and {second} are operators"))
def operators(bdd_bank: punq.Container, world: World, first: str, second: str) -> None:
    world["operators"] = {name: RequestContext(actor_id=customer(bdd_bank, Role.OPERATOR, name).id)
                          for name in (first, second)}


@when(parsers.parse("{hours:d} hours pass"))
def hours_pass(bdd_clock: SteppingClock, hours: int) -> None:
    bdd_clock.advance(timedelta(hours=hours))


@then(parsers.parse('it is refused with "{code}"'))
def refused(world: World, code: str) -> None:
    assert world["error"] is not None and world["error"].code == code, world["error"]


@then(parsers.re(r"(?P<name>\w+)'s account (?:still )?holds (?P<amount>[\d.]+) INR"))
def holds(bdd_bank: punq.Container, world: World, name: str, amount: str) -> None:
    number = world["accounts"][name]
    assert bdd_bank.resolve(GetBalance).execute(None, number).balance.format() == amount
