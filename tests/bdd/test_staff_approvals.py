"""Steps for features/staff_approvals.feature."""

from __future__ import annotations

import punq
from pytest_bdd import given, parsers, scenarios, then, when

from application.use_cases import (
    DecideStaffAction,
    ListAuditEvents,
    OperateCustomers,
    ProposeStaffAction,
)
from domain.account import AccountStatus
from domain.errors import DomainError
from domain.staff_proposal import StaffAction
from tests.bdd.conftest import World
from tests.support.banking import account, customer


@given(parsers.parse("{name} is a customer whose accounts are frozen"))
def frozen_customer(bdd_bank: punq.Container, world: World, name: str) -> None:
    who = customer(bdd_bank, first_name=name)
    account(bdd_bank, who, "1000.00")
    world["people"][name] = who
    bdd_bank.resolve(OperateCustomers).freeze(who.customer_number, True,
                                              world["operators"]["Maya"])


@when(parsers.parse('{staff} proposes to unfreeze {name} because "{reason}"'))
def proposes(bdd_bank: punq.Container, world: World, staff: str, name: str,
             reason: str) -> None:
    world["proposal"] = bdd_bank.resolve(ProposeStaffAction).execute(
        StaffAction.UNFREEZE_CUSTOMER, world["people"][name].customer_number, {}, reason,
        world["operators"][staff])


@when(parsers.re(r"(?P<staff>\w+) (?P<verdict>approves|rejects) the proposal"))
def decides(bdd_bank: punq.Container, world: World, staff: str, verdict: str) -> None:
    decide = bdd_bank.resolve(DecideStaffAction)
    act = decide.approve if verdict == "approves" else decide.reject
    world["error"] = None
    try:
        act(world["proposal"].id, world["operators"][staff])
    except DomainError as error:
        world["error"] = error


@when(parsers.parse("Maya freezes {name}"))
def freezes(bdd_bank: punq.Container, world: World, name: str) -> None:
    who = customer(bdd_bank, first_name=name)
    account(bdd_bank, who, "10.00")
    world["people"][name] = who
    bdd_bank.resolve(OperateCustomers).freeze(who.customer_number, True,
                                              world["operators"]["Maya"])


@then(parsers.re(r"(?P<name>\w+)'s accounts are (?P<state>still frozen|frozen at once|active)"))
def accounts_are(bdd_bank: punq.Container, world: World, name: str, state: str) -> None:
    shown = bdd_bank.resolve(OperateCustomers).show(world["people"][name].customer_number)
    wanted = AccountStatus.ACTIVE if state == "active" else AccountStatus.FROZEN
    assert {a.status for a in shown.accounts} == {wanted}


@then("the audit trail shows who proposed it and who approved it")
def audited(bdd_bank: punq.Container, world: World) -> None:
    events = {e.action: e.actor_id for e in bdd_bank.resolve(ListAuditEvents).execute(
        limit=30).items}
    assert events["staff.proposed"] == world["operators"]["Maya"].actor_id
    assert events["staff.approved"] == world["operators"]["Chetan"].actor_id


scenarios("staff_approvals.feature")
