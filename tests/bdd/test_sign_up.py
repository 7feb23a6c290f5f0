"""Steps for features/sign_up.feature, on a bank that verifies sign-ups and, as a demo does,
writes the codes into the notifier's log (where the steps read the customer's mailbox)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import punq
import pytest
from pytest_bdd import parsers, scenarios, then, when

from application.context import RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import LogInWithPassword, RegisterCommand, SignUp
from domain.errors import DomainError, InvalidCredentials
from entrypoints.bootstrap import bootstrap, prepare_database
from tests.bdd.conftest import World
from tests.conftest import settings_for
from tests.support.clock import SteppingClock
from tests.support.messages import DEMO, told

scenarios("sign_up.feature")
HOME = RequestContext(ip="198.51.100.31")
VERIFYING = {**DEMO, "VAANI_SIGNUP_VERIFICATION": "required"}


@pytest.fixture
def bdd_bank(request: pytest.FixtureRequest, tmp_path: Path,
             bdd_clock: SteppingClock) -> Iterator[punq.Container]:
    profile = request.config.getoption("--bdd-profile")
    wired = bootstrap(settings_for(f"sqlite:///{tmp_path / 'bdd.db'}", profile, VERIFYING),
                      clock=bdd_clock)
    prepare_database(wired)
    yield wired
    wired.resolve(UnitOfWorkFactory).close()


@pytest.fixture(autouse=True)
def mailbox(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="vaani.notifications")
    return caplog


def _sign_up(bank: punq.Container, world: World, email: str, phone: str, password: str) -> None:
    world["password"] = password
    world["answer"] = bank.resolve(SignUp).start(RegisterCommand(
        first_name="Kavya", last_name="Nair", email=email, phone_number=phone,
        password=password, context=HOME))


def _logs_in(bank: punq.Container, number: str, password: str) -> bool:
    try:
        bank.resolve(LogInWithPassword).execute(number, password, HOME)
    except InvalidCredentials:
        return False
    return True


@when(parsers.parse('Kavya signs up with the email "{email}" and the password "{password}"'))
def kavya_signs_up(bdd_bank: punq.Container, world: World, email: str, password: str) -> None:
    _sign_up(bdd_bank, world, email, "+919830000001", password)


@when(parsers.parse("someone signs up with {name}'s email and the password \"{password}\""))
def signs_up_taken(bdd_bank: punq.Container, world: World, mailbox: pytest.LogCaptureFixture,
                   name: str, password: str) -> None:
    mailbox.clear()
    _sign_up(bdd_bank, world, world["people"][name].email, "+919830000002", password)


@then("she is given a customer number but cannot log in yet")
def number_not_yet(bdd_bank: punq.Container, world: World) -> None:
    number = world["answer"].customer_number
    assert number and not _logs_in(bdd_bank, number, world["password"])


@then("they are given a customer number as anyone would be")
def number_as_anyone(world: World) -> None:
    answer = world["answer"]
    assert answer.customer_number != world["people"]["Meera"].customer_number
    assert answer.kyc_status.value == "pending" and answer.role.value == "customer"


@then(parsers.parse('a sign-up code is sent to "{email}"'))
def code_sent(world: World, mailbox: pytest.LogCaptureFixture, email: str) -> None:
    (sent,) = [m for m in told(mailbox) if "secret" in m]
    assert sent["customer_id"] == str(world["answer"].id) and world["answer"].email == email
    world["code"] = sent["secret"]


@then("no sign-up code is sent")
def no_code(mailbox: pytest.LogCaptureFixture) -> None:
    assert not [m for m in told(mailbox) if "secret" in m]


@then(parsers.parse("{name} is told that someone tried to sign up with her details"))
def owner_told(world: World, mailbox: pytest.LogCaptureFixture, name: str) -> None:
    assert [(m["customer_id"], m["title"]) for m in told(mailbox)] == [
        (str(world["people"][name].id), "Someone tried to sign up with your details")]


def _confirm(bank: punq.Container, world: World, code: str) -> None:
    world["error"] = None
    try:
        bank.resolve(SignUp).confirm(world["answer"].customer_number, code, HOME)
    except DomainError as error:
        world["error"] = error


@when("she confirms her sign-up with the code")
def confirms(bdd_bank: punq.Container, world: World, mailbox: pytest.LogCaptureFixture) -> None:
    code = [m["secret"] for m in told(mailbox) if "secret" in m][-1]
    _confirm(bdd_bank, world, code)


@when(parsers.parse('she gives the sign-up code "{code}" {times:d} times'))
def wrong_codes(bdd_bank: punq.Container, world: World, code: str, times: int) -> None:
    for _ in range(times):
        _confirm(bdd_bank, world, code)


@then(parsers.parse('she can log in with her customer number and "{password}"'))
def logs_in(bdd_bank: punq.Container, world: World, password: str) -> None:
    assert world["error"] is None, world["error"]
    assert _logs_in(bdd_bank, world["answer"].customer_number, password)
