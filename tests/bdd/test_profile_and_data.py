"""Steps for features/profile_and_data.feature."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import punq
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from application.context import SYSTEM
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    CashCommand,
    ChangeProfile,
    ConfirmContactChange,
    EraseCustomer,
    ExportCustomerData,
    LogInWithPassword,
    ProfileChanges,
    TransferCommand,
    TransferMoney,
    VerifyAuditTrail,
    VerifyLedger,
    Withdraw,
)
from domain.account import AccountStatus
from domain.customer import Customer
from domain.errors import DomainError, InvalidCredentials
from domain.money import Money
from tests.bdd.conftest import World, audit_actions
from tests.support.banking import account, customer
from tests.support.messages import DEMO, code_sent_to, to_address, told

scenarios("profile_and_data.feature")

@pytest.fixture
def bdd_env() -> dict[str, str]:
    """A demo's notifier: its log shows the codes it sends, where these tests read them."""
    return DEMO


@pytest.fixture(autouse=True)
def notifications(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.INFO, logger="vaani.notifications"):
        yield caplog


def _stored(bank: punq.Container, who: Customer) -> Customer:
    with bank.resolve(UnitOfWorkFactory)() as uow:
        found = uow.customers.get(who.id)
    assert found is not None
    return found


def _attempt(world: World, act: object) -> None:
    world["error"] = None
    try:
        world["result"] = act()  # type: ignore[operator]
    except DomainError as error:
        world["error"] = error


@given(parsers.parse("{name} also banks here"))
def also_banks_here(bdd_bank: punq.Container, world: World, name: str) -> None:
    world["people"][name] = customer(bdd_bank, first_name=name)


@given(parsers.parse("Meera has an account holding {amount} INR"))
def has_account(bdd_bank: punq.Container, world: World, amount: str) -> None:
    world["account"] = account(bdd_bank, world["people"]["Meera"], amount).account_number


@given(parsers.parse("Meera has paid Ravi {amount} INR"))
def has_paid(bdd_bank: punq.Container, world: World, amount: str) -> None:
    ravi = account(bdd_bank, world["people"]["Ravi"]).account_number
    bdd_bank.resolve(TransferMoney).execute(TransferCommand(
        world["people"]["Meera"].id, world["account"], ravi, Money.parse(amount, "INR")))


@given(parsers.parse("Meera has withdrawn {amount} INR in cash"))
def has_withdrawn(bdd_bank: punq.Container, world: World, amount: str) -> None:
    bdd_bank.resolve(Withdraw).execute(CashCommand(world["account"],
                                                   Money.parse(amount, "INR")))


@when(parsers.parse('Meera changes her last name to "{name}"'))
def changes_last_name(bdd_bank: punq.Container, world: World, name: str) -> None:
    bdd_bank.resolve(ChangeProfile).execute(ProfileChanges(world["people"]["Meera"].id,
                                                           last_name=name))


@when(parsers.re(r'Meera asks to change her (?P<field>email|phone number) to '
                 r'(?:"(?P<value>[^"]+)"|(?P<holder>\w+)\'s email)'))
def asks_to_change(bdd_bank: punq.Container, world: World, field: str, value: str | None,
                   holder: str | None) -> None:
    address = value if value is not None else world["people"][str(holder)].email
    world["asked"] = address.replace(" ", "")
    changes = ProfileChanges(world["people"]["Meera"].id, context=SYSTEM,
                             password=world["password"],
                             **{"email" if field == "email" else "phone_number": address})
    _attempt(world, lambda: bdd_bank.resolve(ChangeProfile).execute(changes))


@when("Meera enters the code she was sent")
def enters_code(bdd_bank: punq.Container, world: World,
                notifications: pytest.LogCaptureFixture) -> None:
    code = code_sent_to(notifications, world["asked"])
    _attempt(world, lambda: bdd_bank.resolve(ConfirmContactChange).execute(
        world["people"]["Meera"].id, code, SYSTEM))


@when(parsers.parse("Meera enters a wrong code {times:d} times"))
def enters_wrong_code(bdd_bank: punq.Container, world: World, times: int,
                      notifications: pytest.LogCaptureFixture) -> None:
    right = code_sent_to(notifications, world["asked"])
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(times):
        _attempt(world, lambda: bdd_bank.resolve(ConfirmContactChange).execute(
            world["people"]["Meera"].id, wrong, SYSTEM))
        assert world["error"] is not None and world["error"].code == "contact_code_invalid"


@when("Meera exports her data")
def exports(bdd_bank: punq.Container, world: World) -> None:
    found = bdd_bank.resolve(ExportCustomerData).execute(world["people"]["Meera"].id)
    world["export"] = found
    world["sections"] = {s.name: [i for page in s.pages() for i in page] for s in found.sections}


@when("Meera asks for her data to be erased")
def asks_for_erasure(bdd_bank: punq.Container, world: World) -> None:
    _attempt(world, lambda: bdd_bank.resolve(EraseCustomer).execute(
        world["people"]["Meera"].id, world["password"], SYSTEM))


@then(parsers.parse('her profile shows the last name "{name}"'))
def shows_last_name(bdd_bank: punq.Container, world: World, name: str) -> None:
    assert _stored(bdd_bank, world["people"]["Meera"]).last_name == name


@then(parsers.parse('the audit trail records "{action}"'))
def audit_records(bdd_bank: punq.Container, action: str) -> None:
    assert action in [a for a, _, _ in audit_actions(bdd_bank)]


@then(parsers.parse('a 6-digit code is sent to "{address}"'))
def code_is_sent(notifications: pytest.LogCaptureFixture, address: str) -> None:
    assert len(code_sent_to(notifications, address)) == 6


@then("her current address is told that a change was asked for")
def old_address_told(world: World, notifications: pytest.LogCaptureFixture) -> None:
    meera = str(world["people"]["Meera"].id)
    assert any(m.get("customer_id") == meera and "asked for" in m["title"]
               for m in told(notifications))


@then(parsers.re(r"her profile (?:still shows her old email|is as it was)"))
def profile_unchanged(bdd_bank: punq.Container, world: World) -> None:
    before, now = world["people"]["Meera"], _stored(bdd_bank, world["people"]["Meera"])
    assert (now.email, now.first_name, now.erased_at) == (before.email, before.first_name, None)


@then(parsers.parse('her profile shows the email "{email}"'))
def shows_email(bdd_bank: punq.Container, world: World, email: str) -> None:
    assert world["error"] is None, world["error"]
    assert _stored(bdd_bank, world["people"]["Meera"]).email == email


@then("she is told a code was sent, as for any address")
def told_code_sent(world: World) -> None:
    assert world["error"] is None and world["result"].pending is not None


@then("no code is sent to Ravi's email")
def no_code_to_ravi(world: World, notifications: pytest.LogCaptureFixture) -> None:
    assert not to_address(notifications, world["people"]["Ravi"].email)


@then("Ravi's email is still his")
def ravi_keeps_email(bdd_bank: punq.Container, world: World) -> None:
    ravi = world["people"]["Ravi"]
    assert _stored(bdd_bank, ravi).email == ravi.email


@then(parsers.parse("the export holds her profile, her account, {entries:d} ledger entries, "
                    "{transfers:d} transfer and the audit events about her"))
def export_holds(world: World, entries: int, transfers: int) -> None:
    meera, sections = world["people"]["Meera"], world["sections"]
    assert world["export"].customer.id == meera.id
    assert [a.account_number for a in sections["accounts"]] == [world["account"]]
    assert len(sections["ledger_entries"]) == entries
    assert len(sections["transfers"]) == transfers
    assert sections["audit_events"] and all(e.customer_id == meera.id
                                            for e in sections["audit_events"])


@then("nothing in the export names Ravi")
def nothing_of_ravi(world: World) -> None:
    ravi = world["people"]["Ravi"]
    text = repr(world["sections"])
    assert str(ravi.id) not in text and ravi.email not in text


@then("the refusal names her account")
def refusal_names_account(world: World) -> None:
    assert world["error"].info["accounts"] == [world["account"]]


@then("her account is closed")
def account_closed(bdd_bank: punq.Container, world: World) -> None:
    assert world["error"] is None, world["error"]
    with bdd_bank.resolve(UnitOfWorkFactory)() as uow:
        found = uow.accounts.by_number(world["account"])
    assert found is not None and found.status is AccountStatus.CLOSED


@then(parsers.parse('her name reads "{name}" and her email and phone can reach nobody'))
def pseudonymised(bdd_bank: punq.Container, world: World, name: str) -> None:
    now = _stored(bdd_bank, world["people"]["Meera"])
    assert now.first_name == now.last_name == name
    assert now.email.endswith("@invalid") and now.phone_number.startswith("+000")


@then("her customer number and her ledger entries are kept")
def books_kept(bdd_bank: punq.Container, world: World) -> None:
    meera = world["people"]["Meera"]
    assert _stored(bdd_bank, meera).customer_number == meera.customer_number
    with bdd_bank.resolve(UnitOfWorkFactory)() as uow:
        found = uow.accounts.by_number(world["account"])
        assert found is not None
        assert len(uow.ledger.page(found.id, before=None, limit=10)) == 2


@then("the ledger and the audit trail still verify")
def still_verify(bdd_bank: punq.Container) -> None:
    assert bdd_bank.resolve(VerifyLedger).execute().ok
    assert bdd_bank.resolve(VerifyAuditTrail).execute().ok


@then("Meera can no longer log in")
def cannot_log_in(bdd_bank: punq.Container, world: World) -> None:
    with pytest.raises(InvalidCredentials):
        bdd_bank.resolve(LogInWithPassword).execute(world["people"]["Meera"].customer_number,
                                                    world["password"])
