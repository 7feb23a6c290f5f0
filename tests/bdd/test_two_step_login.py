"""Steps for features/two_step_login.feature."""

from __future__ import annotations

from datetime import timedelta

import punq
import pyotp
from pytest_bdd import given, parsers, scenarios, then, when

from application.context import RequestContext
from application.use_cases import CompleteLogin, LogInWithPassword, ManageTotp, SecondStep
from domain.errors import DomainError
from tests.bdd.conftest import World, audit_actions
from tests.support.clock import SteppingClock

scenarios("two_step_login.feature")
HOME = RequestContext(ip="198.51.100.8")


def _app(world: World) -> pyotp.TOTP:
    return pyotp.TOTP(world["secret"])


@given(parsers.parse("{name} has turned on two-step login with her authenticator app"))
def turned_on(bdd_bank: punq.Container, bdd_clock: SteppingClock, world: World,
              name: str) -> None:
    who = world["people"][name]
    totp = bdd_bank.resolve(ManageTotp)
    world["secret"] = totp.enrol(who.id, world["password"], HOME).secret
    world["recovery_codes"] = totp.confirm(who.id, _app(world).at(bdd_clock.now()), HOME)
    bdd_clock.advance(timedelta(seconds=30))  # the confirming code is spent


@when(parsers.parse("{name} logs in with her password"))
def password_step(bdd_bank: punq.Container, world: World, name: str) -> None:
    world["error"], world["issued"] = None, None
    outcome = bdd_bank.resolve(LogInWithPassword).start(
        world["people"][name].customer_number, world["password"], HOME)
    world["step"] = outcome if isinstance(outcome, SecondStep) else None
    if not isinstance(outcome, SecondStep):
        world["issued"] = outcome[0]


def _second_step(bank: punq.Container, world: World, **answer: str) -> None:
    world["error"] = None
    try:
        world["issued"], _ = bank.resolve(CompleteLogin).execute(world["step"].ticket, HOME,
                                                                 **answer)
    except DomainError as error:
        world["error"] = error


@when("she gives the code her app shows")
def gives_code(bdd_bank: punq.Container, bdd_clock: SteppingClock, world: World) -> None:
    _second_step(bdd_bank, world, code=_app(world).at(bdd_clock.now()))


@when(parsers.parse('she gives the code "{code}" {times:d} times'))
def gives_wrong_codes(bdd_bank: punq.Container, world: World, code: str, times: int) -> None:
    for _ in range(times):
        _second_step(bdd_bank, world, code=code)


@when("she gives her first recovery code")
def gives_recovery_code(bdd_bank: punq.Container, world: World) -> None:
    _second_step(bdd_bank, world, recovery_code=world["recovery_codes"][0])


@given(parsers.parse("{name} logged in with the code her app shows"))
def logged_in_with_code(bdd_bank: punq.Container, bdd_clock: SteppingClock, world: World,
                        name: str) -> None:
    password_step(bdd_bank, world, name)
    world["seen"] = _app(world).at(bdd_clock.now())
    _second_step(bdd_bank, world, code=world["seen"])
    assert world["error"] is None, world["error"]


@when("someone logs in with her password and the same code")
def replays(bdd_bank: punq.Container, world: World) -> None:
    password_step(bdd_bank, world, "Meera")
    _second_step(bdd_bank, world, code=world["seen"])


@when(parsers.parse("{name} turns two-step login off with her password and the code her app "
                    "shows"))
def turns_off(bdd_bank: punq.Container, bdd_clock: SteppingClock, world: World,
              name: str) -> None:
    bdd_bank.resolve(ManageTotp).disable(world["people"][name].id, world["password"],
                                         _app(world).at(bdd_clock.now()), None, HOME)


@then("she is asked for a code, not logged in")
def asked_for_code(world: World) -> None:
    assert world["step"] is not None and world["issued"] is None


@then(parsers.parse('the code is refused with "{code}"'))
def code_refused(world: World, code: str) -> None:
    assert world["error"] is not None and world["error"].code == code, world["error"]


@then(parsers.parse("she has {count:d} recovery codes left"))
def codes_left(bdd_bank: punq.Container, world: World, count: int) -> None:
    assert bdd_bank.resolve(ManageTotp).status(world["people"]["Meera"].id) \
        .recovery_codes_left == count


@then(parsers.parse("the audit trail records a two-step login for {name}"))
def audited(bdd_bank: punq.Container, world: World, name: str) -> None:
    who = world["people"][name].id
    assert ("auth.login.second_factor", "success", who) in audit_actions(bdd_bank)
    assert ("auth.login", "success", who) in audit_actions(bdd_bank)
