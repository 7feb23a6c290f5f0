"""Steps for the everyday-banking features: accounts, beneficiaries, cards, reminders,
statements and devices. They call the use cases through the bootstrap."""

from __future__ import annotations

from datetime import timedelta

import punq
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from application.context import SYSTEM, DeviceInfo
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    Authenticate,
    BeneficiaryDetails,
    CashCommand,
    Deposit,
    GenerateStatement,
    GetBalance,
    LogInWithPassword,
    ManageBeneficiaries,
    ManageCards,
    ManageDevices,
    ManageReminders,
    OpenAccount,
    OpenAccountCommand,
    OperateAccounts,
    RefreshSession,
    ReminderDetails,
    RunDueReminders,
    Withdraw,
)
from domain.account import AccountStatus, AccountType
from domain.errors import DomainError, Unauthorized
from domain.ledger import Channel
from domain.money import Money
from domain.reminder import ReminderType
from tests.bdd.conftest import World
from tests.support.clock import SteppingClock

scenarios("accounts.feature", "beneficiaries.feature", "cards.feature", "reminders.feature",
          "statements.feature", "devices.feature")


def _try(world: World, action) -> None:  # type: ignore[no-untyped-def]
    world["error"] = None
    try:
        action()
    except DomainError as error:
        world["error"] = error


@given(parsers.parse("{name} opens a savings account with {amount} INR"))
@when(parsers.parse("{name} opens a savings account with {amount} INR"))
def opens(bdd_bank: punq.Container, world: World, name: str, amount: str) -> None:
    world["savings"] = bdd_bank.resolve(OpenAccount).execute(OpenAccountCommand(
        world["people"][name].customer_number, AccountType.SAVINGS,
        opening_deposit=Money.parse(amount))).account_number


@given(parsers.parse("{name} deposits {amount} INR"))
def deposits(bdd_bank: punq.Container, world: World, name: str, amount: str) -> None:
    bdd_bank.resolve(Deposit).execute(CashCommand(world["savings"], Money.parse(amount)))


@given(parsers.parse("{name} withdraws {amount} INR at a cash machine"))
@when(parsers.parse("{name} withdraws {amount} INR at a cash machine"))
def withdraws(bdd_bank: punq.Container, world: World, name: str, amount: str) -> None:
    _try(world, lambda: bdd_bank.resolve(Withdraw).execute(
        CashCommand(world["savings"], Money.parse(amount), Channel.ATM)))


@given("an operator freezes her savings account")
def operator_freezes(bdd_bank: punq.Container, world: World) -> None:
    bdd_bank.resolve(OperateAccounts).freeze(world["savings"], SYSTEM)


@when("an operator closes her savings account")
def operator_closes(bdd_bank: punq.Container, world: World) -> None:
    _try(world, lambda: bdd_bank.resolve(OperateAccounts).close(world["savings"], SYSTEM))


@then(parsers.parse("her savings account holds {amount} INR"))
def holds(bdd_bank: punq.Container, world: World, amount: str) -> None:
    account = bdd_bank.resolve(GetBalance).execute(None, world["savings"])
    assert account.balance == Money.parse(amount)


@then("her savings account is closed")
def closed(bdd_bank: punq.Container, world: World) -> None:
    assert world["error"] is None, world["error"]
    assert bdd_bank.resolve(GetBalance).execute(None, world["savings"]).status is \
        AccountStatus.CLOSED


@then(parsers.parse('the request is refused with "{code}"'))
def refused(world: World, code: str) -> None:
    assert world["error"] is not None and world["error"].code == code, world["error"]


@given(parsers.parse('{name} saves "{payee}" with account "{number}" and IFSC "{ifsc}"'))
@when(parsers.parse('{name} saves "{payee}" with account "{number}" and IFSC "{ifsc}"'))
def saves(bdd_bank: punq.Container, world: World, name: str, payee: str, number: str,
          ifsc: str) -> None:
    _try(world, lambda: bdd_bank.resolve(ManageBeneficiaries).add(
        world["people"][name].id, BeneficiaryDetails(payee, account_number=number, ifsc=ifsc),
        SYSTEM))


@when(parsers.parse('{name} deletes the beneficiary "{payee}"'))
def deletes(bdd_bank: punq.Container, world: World, name: str, payee: str) -> None:
    manage = bdd_bank.resolve(ManageBeneficiaries)
    customer_id = world["people"][name].id
    target = next(b for b in manage.list(customer_id) if b.name == payee)
    manage.delete(customer_id, target.id, SYSTEM)


@then(parsers.parse('her beneficiaries are "{names}"'))
def beneficiaries_are(bdd_bank: punq.Container, world: World, names: str) -> None:
    listed = bdd_bank.resolve(ManageBeneficiaries).list(world["people"]["Meera"].id)
    assert [b.name for b in listed] == names.split('", "')


@then("she has no beneficiaries")
def no_beneficiaries(bdd_bank: punq.Container, world: World) -> None:
    assert bdd_bank.resolve(ManageBeneficiaries).list(world["people"]["Meera"].id) == []


@given(parsers.parse("{name} has a debit card on a savings account"))
def has_card(bdd_bank: punq.Container, world: World, name: str) -> None:
    opens(bdd_bank, world, name, "100.00")
    world["card"] = bdd_bank.resolve(ManageCards).issue(world["savings"], SYSTEM)


@then("her card shows only its last four digits")
def masked(bdd_bank: punq.Container, world: World) -> None:
    card = bdd_bank.resolve(ManageCards).list(world["people"]["Meera"].id)[0]
    assert card.masked_number == f"XXXX XXXX XXXX {card.last4}" and len(card.last4) == 4


@when(parsers.re(r"(?P<name>\w+) (?P<verb>blocks|unblocks) her card"))
def blocks(bdd_bank: punq.Container, world: World, name: str, verb: str) -> None:
    world["card"] = bdd_bank.resolve(ManageCards).set_blocked(
        world["people"][name].id, world["card"].id, verb == "blocks", SYSTEM)


@then(parsers.parse('her card is "{status}"'))
def card_status(world: World, status: str) -> None:
    assert world["card"].status.value == status


@given(parsers.parse('{name} has a monthly EMI reminder "{title}" due tomorrow, {count:d} times'))
def emi(bdd_bank: punq.Container, world: World, bdd_clock: SteppingClock, name: str, title: str,
        count: int) -> None:
    bdd_bank.resolve(ManageReminders).add(world["people"][name].id, ReminderDetails(
        ReminderType.EMI, title, bdd_clock.now() + timedelta(days=1),
        f"FREQ=MONTHLY;COUNT={count}"), SYSTEM)


@when(parsers.parse("{days:d} days pass and the reminders run twice"))
def run_twice(bdd_bank: punq.Container, bdd_clock: SteppingClock, days: int) -> None:
    bdd_clock.advance(timedelta(days=days))
    for _ in range(2):
        bdd_bank.resolve(RunDueReminders).execute()


@then(parsers.re(r"(?P<name>\w+) has been reminded (?P<count>\d+) times?"))
def reminded(bdd_bank: punq.Container, world: World, name: str, count: str) -> None:
    with bdd_bank.resolve(UnitOfWorkFactory)() as uow:
        assert len(uow.reminders.notifications(world["people"][name].id)) == int(count)


@then(parsers.parse('her reminder "{title}" is "{status}"'))
def reminder_status(bdd_bank: punq.Container, world: World, title: str, status: str) -> None:
    found = bdd_bank.resolve(ManageReminders).list(world["people"]["Meera"].id)
    assert next(r for r in found if r.title == title).status.value == status


@when(parsers.parse("{name} asks for this month's statement"))
def statement(bdd_bank: punq.Container, world: World, bdd_clock: SteppingClock,
              name: str) -> None:
    today = bdd_clock.now().date()
    world["statement"] = bdd_bank.resolve(GenerateStatement).execute(
        world["people"][name].id, world["savings"], today.replace(day=1), today)


@then(parsers.parse("it opens at {opening} INR and closes at {closing} INR"))
def opens_and_closes(world: World, opening: str, closing: str) -> None:
    s = world["statement"]
    assert (s.opening_balance, s.closing_balance) == (Money.parse(opening), Money.parse(closing))


@then(parsers.parse("it lists {count:d} entries"))
def lists_entries(world: World, count: int) -> None:
    assert len(world["statement"].entries) == count


@when(parsers.parse('{name} logs in with her password on "{device}"'))
def logs_in_on(bdd_bank: punq.Container, world: World, name: str, device: str) -> None:
    world.setdefault("logins", {})[device], _ = bdd_bank.resolve(LogInWithPassword).execute(
        world["people"][name].customer_number, world["password"], SYSTEM, DeviceInfo(device))


@when(parsers.parse('{name} revokes her device "{device}"'))
def revokes(bdd_bank: punq.Container, world: World, name: str, device: str) -> None:
    manage = bdd_bank.resolve(ManageDevices)
    customer_id = world["people"][name].id
    binding = next(b for b in manage.list(customer_id) if b.identifier == device)
    manage.revoke(customer_id, binding.id, SYSTEM)


@then(parsers.parse('her login on "{device}" no longer works'))
def login_ended(bdd_bank: punq.Container, world: World, device: str) -> None:
    issued = world["logins"][device]
    with pytest.raises(Unauthorized):
        bdd_bank.resolve(Authenticate).execute(issued.access_token)
    with pytest.raises(Unauthorized):
        bdd_bank.resolve(RefreshSession).execute(issued.refresh_token, SYSTEM)


@then(parsers.parse('her login on "{device}" still works'))
def login_works(bdd_bank: punq.Container, world: World, device: str) -> None:
    issued = world["logins"][device]
    bdd_bank.resolve(Authenticate).execute(issued.access_token)
    bdd_bank.resolve(RefreshSession).execute(issued.refresh_token, SYSTEM)


@then(parsers.parse('her device "{device}" is "{trust}"'))
def device_trust(bdd_bank: punq.Container, world: World, device: str, trust: str) -> None:
    found = bdd_bank.resolve(ManageDevices).list(world["people"]["Meera"].id)
    assert next(b for b in found if b.identifier == device).trust.value == trust
