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
from application.ports import UnitOfWorkFactory
from application.use_cases import ListAuditEvents, RegisterCommand, RegisterCustomer
from entrypoints.bootstrap import bootstrap, prepare_database
from tests.conftest import settings_for
from tests.support.clock import SteppingClock

World = dict[str, Any]


@pytest.fixture
def bdd_clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture(scope="session")
def real_voice_engine() -> ResemblyzerVoiceEngine:
    """The real model, shared by every scenario; it loads on the first voice step only."""
    return ResemblyzerVoiceEngine()


@pytest.fixture
def bdd_bank(request: pytest.FixtureRequest, tmp_path: Path, bdd_clock: SteppingClock,
             real_voice_engine: ResemblyzerVoiceEngine) -> Iterator[punq.Container]:
    profile = request.config.getoption("--bdd-profile")
    wired = bootstrap(settings_for(f"sqlite:///{tmp_path / 'bdd.db'}", profile), clock=bdd_clock,
                      voice_engine=real_voice_engine)
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
    n = len(world["people"]) + 1
    world["people"][name] = bdd_bank.resolve(RegisterCustomer).execute(RegisterCommand(
        first_name=name, last_name="Feature", email=f"{name.lower()}{n}@example.in",
        phone_number=f"+9198700000{n:02d}", password=password))
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


def audit_actions(bank: punq.Container) -> list[tuple[str, str, object]]:
    return [(e.action, e.outcome, e.customer_id)
            for e in bank.resolve(ListAuditEvents).execute(limit=100).items]
