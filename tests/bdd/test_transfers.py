"""Steps for features/transfers.feature: they call the use cases through the bootstrap."""

from __future__ import annotations

from typing import Any

import punq
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from application.ports import UnitOfWorkFactory
from application.use_cases import (
    GetBalance,
    ListTransactions,
    TransferCommand,
    TransferMoney,
    VerifyLedger,
)
from domain.account import AccountType
from domain.errors import DomainError
from domain.money import Money
from tests.support.banking import account, customer

scenarios("transfers.feature")

Bank = dict[str, Any]


@pytest.fixture
def people() -> Bank:
    """The scenario's cast: customers by name, accounts by (owner, kind), the answers received."""
    return {"accounts": {}, "results": [], "error": None}


@given(parsers.parse("{name} is a customer with a {kind} account holding {amount} INR"))
def a_customer(bdd_bank: punq.Container, people: Bank, name: str, kind: str, amount: str) -> None:
    people[name] = customer(bdd_bank, first_name=name)
    another_account(bdd_bank, people, name, kind, amount)


@given(parsers.parse("{name} has a {kind} account holding {amount} INR"))
def has_account(bdd_bank: punq.Container, people: Bank, name: str, kind: str, amount: str) -> None:
    another_account(bdd_bank, people, name, kind, amount)


def another_account(bdd_bank: punq.Container, people: Bank, name: str, kind: str,
                    amount: str) -> None:
    opening = amount if Money.parse(amount).is_positive() else None
    people["accounts"][(name, kind)] = account(bdd_bank, people[name], opening, AccountType(kind))


@given(parsers.parse("{name}'s {kind} account is frozen"))
def frozen(bdd_bank: punq.Container, people: Bank, name: str, kind: str) -> None:
    with bdd_bank.resolve(UnitOfWorkFactory)(write=True) as uow:
        target = uow.accounts.by_number(people["accounts"][(name, kind)].account_number)
        assert target is not None
        target.freeze()
        uow.accounts.update(target)
        uow.commit()


def _number(people: Bank, actor: str, owner_phrase: str, kind: str) -> str:
    owner = actor if owner_phrase == "her" else owner_phrase.removesuffix("'s")
    return str(people["accounts"][(owner, kind)].account_number)


@when(parsers.re(r"(?P<actor>\w+) transfers (?P<amount>[\d.]+) INR from (?P<src_owner>her|\w+'s) "
                 r"(?P<src_kind>\w+) account to (?P<dst_owner>her|\w+'s) (?P<dst_kind>\w+) account"
                 r"(?: with key \"(?P<key>[^\"]+)\")?$"))
def transfer(bdd_bank: punq.Container, people: Bank, actor: str, amount: str, src_owner: str,
             src_kind: str, dst_owner: str, dst_kind: str, key: str | None) -> None:
    command = TransferCommand(
        customer_id=people[actor].id,
        from_account_number=_number(people, actor, src_owner, src_kind),
        to_account_number=_number(people, actor, dst_owner, dst_kind),
        amount=Money.parse(amount), description="feature", idempotency_key=key)
    try:
        people["results"].append(bdd_bank.resolve(TransferMoney).execute(command))
    except DomainError as error:
        people["error"] = error


@then("the transfer is completed")
def completed(people: Bank) -> None:
    assert people["error"] is None
    assert people["results"][-1].transfer.status.value == "completed"


@then(parsers.parse('the transfer is refused with "{code}"'))
def refused(people: Bank, code: str) -> None:
    assert people["error"] is not None and people["error"].code == code


@then(parsers.parse("{name}'s {kind} account holds {amount} INR"))
def holds(bdd_bank: punq.Container, people: Bank, name: str, kind: str, amount: str) -> None:
    number = people["accounts"][(name, kind)].account_number
    assert bdd_bank.resolve(GetBalance).execute(None, number).balance == Money.parse(amount)


@then("both answers name the same transfer")
def same_transfer(people: Bank) -> None:
    first, second = people["results"][-2:]
    assert first.transfer.id == second.transfer.id and second.replayed


@then("each account shows the transfer in its history")
def in_history(bdd_bank: punq.Container, people: Bank) -> None:
    transfer_id = str(people["results"][-1].transfer.id)
    for name, number in ((people["Asha"].id, people["accounts"][("Asha", "savings")]),
                         (people["Ravi"].id, people["accounts"][("Ravi", "savings")])):
        page = bdd_bank.resolve(ListTransactions).execute(name, number.account_number)
        assert page.items[0].reference == transfer_id


@then("the ledger verifies")
def ledger_verifies(bdd_bank: punq.Container) -> None:
    report = bdd_bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems
