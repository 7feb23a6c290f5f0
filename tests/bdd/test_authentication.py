"""Steps for features/authentication.feature."""

from __future__ import annotations

import punq
from pytest_bdd import parsers, scenarios, then, when

from application.context import RequestContext
from application.use_cases import LogInWithPassword, RegisterCommand, RegisterCustomer
from domain.errors import DomainError
from tests.bdd.conftest import World, audit_actions

scenarios("authentication.feature")
BRANCH_WIFI = RequestContext(ip="198.51.100.4")


def _attempt(bank: punq.Container, world: World, number: str, password: str) -> None:
    world["error"] = None
    try:
        world["issued"], _ = bank.resolve(LogInWithPassword).execute(number, password, BRANCH_WIFI)
    except DomainError as error:
        world["error"] = error


@when(parsers.re(r'(?P<name>[A-Z]\w+) logs in with "(?P<password>[^"]+)"(?: (?P<times>\d+) times)?$'))
def logs_in(bdd_bank: punq.Container, world: World, name: str, password: str,
            times: str | None) -> None:
    for _ in range(int(times or 1)):
        _attempt(bdd_bank, world, world["people"][name].customer_number, password)
    if world["error"] is not None and world["error"].code == "invalid_credentials":
        world["known_refusal"] = world["error"].message


@when(parsers.re(r'someone logs in as unknown customer "(?P<number>\d+)" with "(?P<password>[^"]+)"'
                 r"(?: (?P<times>\d+) times)?$"))
def unknown_logs_in(bdd_bank: punq.Container, world: World, number: str, password: str,
                    times: str | None) -> None:
    for _ in range(int(times or 1)):
        _attempt(bdd_bank, world, number, password)


@when(parsers.parse('{name} signs up with the password "{password}"'))
def signs_up(bdd_bank: punq.Container, world: World, name: str, password: str) -> None:
    try:
        bdd_bank.resolve(RegisterCustomer).execute(RegisterCommand(
            name, "Feature", f"{name.lower()}@example.in", "+919870009999", password))
    except DomainError as error:
        world["error"] = error


@then(parsers.parse("the audit trail records a successful login for {name}"))
def audited_success(bdd_bank: punq.Container, world: World, name: str) -> None:
    assert ("auth.login", "success", world["people"][name].id) in audit_actions(bdd_bank)


@then("the audit trail records a failed login")
def audited_failure(bdd_bank: punq.Container) -> None:
    assert any(a == "auth.login" and o == "failure" for a, o, _ in audit_actions(bdd_bank))


@then("the refusal says when the lock ends")
def says_when(world: World) -> None:
    assert world["error"].info["locked_until"].endswith("Z")


@then("the refusal reads the same as for a known customer with a wrong password")
def same_refusal(bdd_bank: punq.Container, world: World) -> None:
    meera = world["people"]["Meera"]
    unknown = world["error"]
    _attempt(bdd_bank, world, meera.customer_number, "not her password at all")
    assert (world["error"].code, world["error"].message) == (unknown.code, unknown.message)
    world["error"] = unknown
