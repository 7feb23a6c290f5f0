"""Steps for features/password_reset.feature, on a demo's bank: its notifier writes reset
codes into the log, where the steps read what the customer's mailbox would."""

from __future__ import annotations

import logging

import punq
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from application.context import RequestContext
from application.use_cases import (
    Authenticate,
    ChangePassword,
    LogInWithPassword,
    RequestPasswordReset,
    ResetPassword,
)
from domain.errors import DomainError, InvalidCredentials, Unauthorized
from tests.bdd.conftest import World, audit_actions
from tests.support.messages import DEMO, told

scenarios("password_reset.feature")
HOME = RequestContext(ip="198.51.100.21")


@pytest.fixture
def bdd_env() -> dict[str, str]:
    """The features' bank, as a demo runs it (reset codes in the notifier's log)."""
    return DEMO


@pytest.fixture(autouse=True)
def mailbox(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="vaani.notifications")
    return caplog


def _log_in(bank: punq.Container, world: World, password: str) -> str:
    issued, _ = bank.resolve(LogInWithPassword).execute(
        world["people"]["Meera"].customer_number, password, HOME)
    return issued.access_token


def _works(bank: punq.Container, token: str) -> bool:
    try:
        bank.resolve(Authenticate).execute(token)
    except Unauthorized:
        return False
    return True


def _reset(bank: punq.Container, world: World, password: str) -> None:
    world["error"] = None
    try:
        bank.resolve(ResetPassword).execute(world["code"], password, HOME)
    except DomainError as error:
        world["error"] = error


@given(parsers.parse("{name} is logged in on her phone and on her laptop"))
def two_devices(bdd_bank: punq.Container, world: World, name: str) -> None:
    world["phone"] = _log_in(bdd_bank, world, world["password"])
    world["laptop"] = _log_in(bdd_bank, world, world["password"])


@when(parsers.parse("{name} asks for a password reset with her customer number"))
def asks(bdd_bank: punq.Container, world: World, mailbox: pytest.LogCaptureFixture,
         name: str) -> None:
    world["answer"] = bdd_bank.resolve(RequestPasswordReset).execute(
        world["people"][name].customer_number, HOME)
    codes = [m["secret"] for m in told(mailbox) if "secret" in m]
    world["code"] = codes[-1] if codes else None


@when(parsers.parse('someone asks for a password reset with the customer number "{number}"'))
def asks_unknown(bdd_bank: punq.Container, world: World, number: str) -> None:
    world["answer"] = bdd_bank.resolve(RequestPasswordReset).execute(number, HOME)


@then(parsers.parse("a reset code is sent to {name}, and the answer does not contain it"))
def code_sent(world: World, mailbox: pytest.LogCaptureFixture, name: str) -> None:
    sent = [m for m in told(mailbox) if "secret" in m]
    assert sent and sent[-1]["customer_id"] == str(world["people"][name].id)
    assert world["answer"] is None  # the use case answers nothing a caller could read


@when(parsers.parse('she sets the new password "{password}" with the code'))
def sets_password(bdd_bank: punq.Container, world: World, password: str) -> None:
    _reset(bdd_bank, world, password)


@given(parsers.parse('Meera has set the new password "{password}" with a reset code'))
def has_reset(bdd_bank: punq.Container, world: World, mailbox: pytest.LogCaptureFixture,
              password: str) -> None:
    asks(bdd_bank, world, mailbox, "Meera")
    _reset(bdd_bank, world, password)
    assert world["error"] is None, world["error"]


@when(parsers.parse('someone sets the new password "{password}" with the same code'))
def thief_resets(bdd_bank: punq.Container, world: World, password: str) -> None:
    _reset(bdd_bank, world, password)


@then(parsers.parse('she can log in with "{password}"'))
def can_log_in(bdd_bank: punq.Container, world: World, password: str) -> None:
    assert _works(bdd_bank, _log_in(bdd_bank, world, password))


@then(parsers.parse('she can no longer log in with "{password}"'))
def cannot_log_in(bdd_bank: punq.Container, world: World, password: str) -> None:
    with pytest.raises(InvalidCredentials):
        _log_in(bdd_bank, world, password)


@then("her phone and her laptop are logged out")
def both_out(bdd_bank: punq.Container, world: World) -> None:
    assert not _works(bdd_bank, world["phone"]) and not _works(bdd_bank, world["laptop"])


@then("her laptop is logged out and her phone is not")
def laptop_out(bdd_bank: punq.Container, world: World) -> None:
    assert _works(bdd_bank, world["phone"]) and not _works(bdd_bank, world["laptop"])


@then(parsers.parse("{name} is told that her password was {what}"))
def told_about(world: World, mailbox: pytest.LogCaptureFixture, name: str, what: str) -> None:
    assert any(m["title"] == f"Your password was {what}"
               and m["customer_id"] == str(world["people"][name].id) for m in told(mailbox))


@then(parsers.parse("the audit trail records the password reset of {name}"))
def audited(bdd_bank: punq.Container, world: World, name: str) -> None:
    who = world["people"][name].id
    recorded = audit_actions(bdd_bank)
    assert ("auth.password.reset_requested", "success", who) in recorded
    assert ("auth.password.reset", "success", who) in recorded


@then("the answer is the one Meera would get")
def same_answer(bdd_bank: punq.Container, world: World) -> None:
    unknown = world["answer"]
    known = bdd_bank.resolve(RequestPasswordReset).execute(
        world["people"]["Meera"].customer_number, HOME)
    assert unknown == known


@then("nobody is sent a code")
def nobody_told(world: World, mailbox: pytest.LogCaptureFixture) -> None:
    # Meera's own request (made to compare the answers) is the only one.
    assert [m["customer_id"] for m in told(mailbox) if "secret" in m] == \
        [str(world["people"]["Meera"].id)]


@given(parsers.parse("someone has locked {name}'s login with {times:d} wrong passwords"))
def locked(bdd_bank: punq.Container, world: World, name: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            _log_in(bdd_bank, world, "somebody guessing wildly")


@when(parsers.parse('{name} changes her password on her phone to "{password}"'))
def changes(bdd_bank: punq.Container, world: World, name: str, password: str) -> None:
    me = bdd_bank.resolve(Authenticate).execute(world["phone"])
    bdd_bank.resolve(ChangePassword).execute(me, world["password"], password, HOME)
