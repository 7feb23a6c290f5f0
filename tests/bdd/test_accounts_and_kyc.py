"""Steps for features/account_opening.feature and features/kyc_tiers.feature."""

from __future__ import annotations

import punq
from pytest_bdd import given, parsers, scenarios, then, when

from application.context import SYSTEM, RequestContext
from application.use_cases import (
    CashCommand,
    Deposit,
    GetBalance,
    ListAccounts,
    OpenAccount,
    OpenAccountCommand,
    OperateAccounts,
    OperateCustomers,
    TransferCommand,
    TransferMoney,
)
from domain.account import AccountStatus, AccountType
from domain.customer import KycStatus
from domain.errors import DomainError
from domain.money import Money
from tests.bdd.conftest import World
from tests.support.banking import account, customer

scenarios("account_opening.feature", "kyc_tiers.feature")


def _attempt(world: World, act: object) -> object:
    world["error"] = None
    try:
        return act()  # type: ignore[operator]
    except DomainError as error:
        world["error"] = error
        return None


@given(parsers.re(r"Kiran is a customer with (?P<kyc>\w+) KYC(?: and an account holding "
                  r"(?P<amount>[\d.]+) INR)?$"))
def kiran(bdd_bank: punq.Container, world: World, kyc: str, amount: str | None) -> None:
    world["kiran"] = customer(bdd_bank, first_name="Kiran")  # full, to be funded first
    world["sink"] = account(bdd_bank, customer(bdd_bank)).account_number
    if amount is not None:
        world["account"] = account(bdd_bank, world["kiran"],
                                   amount if Money.parse(amount).is_positive() else None
                                   ).account_number
    bdd_bank.resolve(OperateCustomers).set_kyc(world["kiran"].customer_number, KycStatus(kyc),
                                               SYSTEM)


@when(parsers.parse("Kiran opens a {kind} account in {currency}"))
def opens(bdd_bank: punq.Container, world: World, kind: str, currency: str) -> None:
    opened = _attempt(world, lambda: bdd_bank.resolve(OpenAccount).execute(OpenAccountCommand(
        "", AccountType(kind), currency, customer_id=world["kiran"].id)))
    if opened is not None:
        world["account"] = opened.account_number  # type: ignore[attr-defined]


@when("Kiran closes that account")
def closes(bdd_bank: punq.Container, world: World) -> None:
    _attempt(world, lambda: bdd_bank.resolve(OperateAccounts).close(
        world["account"], RequestContext(actor_id=world["kiran"].id), world["kiran"].id))


@when(parsers.parse("{amount} INR is paid into that account"))
def paid_in(bdd_bank: punq.Container, world: World, amount: str) -> None:
    _attempt(world, lambda: bdd_bank.resolve(Deposit).execute(CashCommand(
        world["account"], Money.parse(amount))))


@when(parsers.parse("Kiran pays {amount} INR out of that account"))
def pays(bdd_bank: punq.Container, world: World, amount: str) -> None:
    _attempt(world, lambda: bdd_bank.resolve(TransferMoney).execute(TransferCommand(
        world["kiran"].id, world["account"], world["sink"], Money.parse(amount))))


@when(parsers.parse('Kiran\'s KYC becomes "{kyc}"'))
def becomes(bdd_bank: punq.Container, world: World, kyc: str) -> None:
    bdd_bank.resolve(OperateCustomers).set_kyc(world["kiran"].customer_number, KycStatus(kyc),
                                               SYSTEM)


@given("the bank has frozen Kiran")
def frozen(bdd_bank: punq.Container, world: World) -> None:
    bdd_bank.resolve(OperateCustomers).freeze(world["kiran"].customer_number, True, SYSTEM)


@when("the bank unfreezes Kiran")
def unfrozen(bdd_bank: punq.Container, world: World) -> None:
    bdd_bank.resolve(OperateCustomers).freeze(world["kiran"].customer_number, False, SYSTEM)


@then(parsers.parse("Kiran has {count:d} open account"))
@then(parsers.parse("Kiran has {count:d} open accounts"))
def open_accounts(bdd_bank: punq.Container, world: World, count: int) -> None:
    assert world["error"] is None, world["error"]
    mine = bdd_bank.resolve(ListAccounts).execute(world["kiran"].id)
    assert sum(a.status is not AccountStatus.CLOSED for a in mine) == count


@then(parsers.re(r'the request is refused with "(?P<code>\w+)"(?: naming "(?P<limit>\w+)")?'))
def refused(world: World, code: str, limit: str | None) -> None:
    assert world["error"] is not None and world["error"].code == code, world["error"]
    if limit is not None:
        assert world["error"].info["limit"] == limit


@then(parsers.parse("the account holds {amount} INR"))
def holds(bdd_bank: punq.Container, world: World, amount: str) -> None:
    found = bdd_bank.resolve(GetBalance).execute(None, world["account"]).balance.format()
    assert found == amount
