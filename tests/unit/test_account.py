"""Accounts follow the bank's rulebook."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from domain.account import Account, AccountStatus, AccountType
from domain.errors import (
    AccountClosed,
    AccountFrozen,
    AccountNotEmpty,
    CurrencyMismatch,
    InsufficientFunds,
    ValidationError,
)
from domain.ledger import Channel, EntryType
from domain.money import Money
from domain.transfer import Transfer, TransferKind, TransferStatus, post


def make(balance: int = 0, kind: AccountType = AccountType.SAVINGS) -> Account:
    return Account(id=uuid.uuid4(), account_number=str(uuid.uuid4().int)[:12],
                   customer_id=uuid.uuid4(), account_type=kind, currency="INR",
                   opened_at=datetime(2026, 1, 1, tzinfo=UTC), balance=Money(balance))


def test_debit_never_overdraws() -> None:
    account = make(100)
    with pytest.raises(InsufficientFunds):
        account.debit(Money(101))
    assert account.balance == Money(100)
    assert account.debit(Money(100)) == Money(0)


def test_held_funds_are_not_available() -> None:
    account = make(100)
    account.held = Money(60)
    assert account.available_balance == Money(40)
    with pytest.raises(InsufficientFunds):
        account.debit(Money(41))


def test_the_banks_internal_account_may_go_negative() -> None:
    cash = make(0, AccountType.INTERNAL)
    assert cash.debit(Money(500)) == Money(-500)


@pytest.mark.parametrize(("status", "error"), [
    (AccountStatus.FROZEN, AccountFrozen), (AccountStatus.CLOSED, AccountClosed)])
def test_frozen_or_closed_accounts_move_no_money(status: AccountStatus, error: type) -> None:
    account = make(1000)
    account.status = status
    with pytest.raises(error):
        account.debit(Money(1))
    with pytest.raises(error):
        account.credit(Money(1))
    assert account.balance == Money(1000)


def test_amounts_must_be_positive_and_in_the_accounts_currency() -> None:
    account = make(1000)
    with pytest.raises(ValidationError):
        account.credit(Money(0))
    with pytest.raises(CurrencyMismatch):
        account.credit(Money(5, "USD"))


def test_close_only_at_zero() -> None:
    account = make(1)
    with pytest.raises(AccountNotEmpty):
        account.close()
    account.debit(Money(1))
    account.close()
    assert account.status is AccountStatus.CLOSED
    with pytest.raises(AccountClosed):
        account.unfreeze()


def test_freeze_and_unfreeze() -> None:
    account = make(5)
    account.freeze()
    assert account.status is AccountStatus.FROZEN
    account.unfreeze()
    assert account.credit(Money(5)) == Money(10)


def _transfer(source: Account, destination: Account, minor: int) -> Transfer:
    return Transfer(
        id=uuid.uuid4(), kind=TransferKind.TRANSFER, customer_id=source.customer_id,
        idempotency_scope=None, idempotency_key=None, fingerprint="f",
        status=TransferStatus.COMPLETED, from_account_id=source.id,
        from_account_number=source.account_number, to_account_id=destination.id,
        to_account_number=destination.account_number, amount=Money(minor),
        channel=Channel.MOBILE, description="rent", created_at=datetime(2026, 1, 2, tzinfo=UTC))


def test_posting_writes_one_debit_and_one_credit_of_the_same_amount() -> None:
    source, destination = make(1000), make(0)
    debit, credit = post(_transfer(source, destination, 300), source, destination,
                         (uuid.uuid4(), uuid.uuid4()))
    assert (debit.entry_type, credit.entry_type) == (EntryType.DEBIT, EntryType.CREDIT)
    assert debit.amount == credit.amount == Money(300)
    assert (debit.balance_after, credit.balance_after) == (Money(700), Money(300))


def test_a_refused_credit_leaves_the_source_untouched() -> None:
    source, destination = make(1000), make(0)
    destination.freeze()
    with pytest.raises(AccountFrozen):
        post(_transfer(source, destination, 300), source, destination, (uuid.uuid4(), uuid.uuid4()))
    assert source.balance == Money(1000)
