"""Steps for features/sessions.feature."""

from __future__ import annotations

import punq
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from application.context import SYSTEM
from application.use_cases import (
    Authenticate,
    LogInWithPassword,
    RefreshSession,
    RevokeSessions,
)
from domain.errors import DomainError, Unauthorized
from tests.bdd.conftest import World, audit_actions

scenarios("sessions.feature")


@given(parsers.parse("{name} has logged in"))
def has_logged_in(bdd_bank: punq.Container, world: World, name: str) -> None:
    issued, _ = bdd_bank.resolve(LogInWithPassword).execute(
        world["people"][name].customer_number, world["password"])
    world["first"] = world["latest"] = issued


@given(parsers.parse("{name} has logged in on a second device"))
def second_device(bdd_bank: punq.Container, world: World, name: str) -> None:
    world["second"], _ = bdd_bank.resolve(LogInWithPassword).execute(
        world["people"][name].customer_number, world["password"])


def _refresh(bank: punq.Container, world: World, token: str) -> None:
    world["error"] = None
    try:
        world["previous"], world["latest"] = world["latest"], bank.resolve(RefreshSession).execute(
            token, SYSTEM)
    except DomainError as error:
        world["error"] = error


@when(parsers.parse("{name} refreshes her session"))
def refreshes(bdd_bank: punq.Container, world: World, name: str) -> None:
    _refresh(bdd_bank, world, world["latest"].refresh_token)


@when(parsers.re(r"(?:someone|\w+) presents (?:Meera's|her) first refresh token again"))
def presents_first_again(bdd_bank: punq.Container, world: World) -> None:
    _refresh(bdd_bank, world, world["first"].refresh_token)


@when(parsers.parse("{name} logs out"))
def logs_out(bdd_bank: punq.Container, world: World, name: str) -> None:
    bdd_bank.resolve(RevokeSessions).one(world["people"][name].id, world["latest"].session.id,
                                         SYSTEM, "logout")


@when(parsers.parse("{name} ends all of her sessions"))
def ends_all(bdd_bank: punq.Container, world: World, name: str) -> None:
    assert bdd_bank.resolve(RevokeSessions).all(world["people"][name].id, SYSTEM) == 2


@then("she gets a new refresh token")
def new_refresh_token(world: World) -> None:
    assert world["error"] is None, world["error"]
    assert world["latest"].refresh_token != world["previous"].refresh_token


@then("her new access token works")
def access_works(bdd_bank: punq.Container, world: World) -> None:
    assert bdd_bank.resolve(Authenticate).execute(world["latest"].access_token)


@then(parsers.re(r"(?:Meera's latest|the) access token (?:of her second device )?no longer works"))
def access_refused(bdd_bank: punq.Container, world: World) -> None:
    for issued in (world["latest"], world.get("second")):
        if issued is not None:
            with pytest.raises(Unauthorized):
                bdd_bank.resolve(Authenticate).execute(issued.access_token)


@then("Meera's latest refresh token no longer works")
def refresh_refused(bdd_bank: punq.Container, world: World) -> None:
    with pytest.raises(Unauthorized):
        bdd_bank.resolve(RefreshSession).execute(world["latest"].refresh_token, SYSTEM)


@then("the audit trail records a refresh-token reuse")
def reuse_audited(bdd_bank: punq.Container) -> None:
    assert any(a == "auth.refresh.reuse_detected" for a, _, _ in audit_actions(bdd_bank))
