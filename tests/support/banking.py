"""Small helpers that read like a teller's actions, for arranging test scenarios."""

from __future__ import annotations

import itertools

import punq

from application.auth_policy import AuthPolicy
from application.context import SYSTEM, RequestContext
from application.use_cases import (
    Authenticate,
    CashCommand,
    Deposit,
    LogInWithPassword,
    OpenAccount,
    OpenAccountCommand,
    OperateCustomers,
    RegisterCommand,
    RegisterCustomer,
    SetUpiPin,
)
from domain.account import Account, AccountType
from domain.customer import Customer, KycStatus, Role
from domain.money import Money
from tests.support.clock import SteppingClock

_people = itertools.count(1)
PASSWORD = "correct horse battery staple"


def customer(bank: punq.Container, role: Role = Role.CUSTOMER, first_name: str = "Test",
             kyc: KycStatus = KycStatus.FULL) -> Customer:
    """A registered customer whose KYC the bank has completed (unless `kyc` says otherwise)."""
    n = next(_people)
    registered = bank.resolve(RegisterCustomer).execute(RegisterCommand(
        first_name=first_name, last_name=f"Person{n}", email=f"person{n}@example.in",
        phone_number=f"+91980{n:07d}", password=PASSWORD, role=role))
    if kyc is KycStatus.PENDING:
        return registered
    return bank.resolve(OperateCustomers).set_kyc(registered.customer_number, kyc, SYSTEM)


def account(bank: punq.Container, owner: Customer, opening: str | None = None,
            kind: AccountType = AccountType.SAVINGS) -> Account:
    return bank.resolve(OpenAccount).execute(OpenAccountCommand(
        owner.customer_number, kind, opening_deposit=Money.parse(opening) if opening else None))


def deposit(bank: punq.Container, account_number: str, amount: str) -> None:
    bank.resolve(Deposit).execute(CashCommand(account_number, Money.parse(amount)))


def inr(amount: str) -> Money:
    return Money.parse(amount, "INR")


def settled_pin(bank: punq.Container, who: Customer, pin: str, clock: SteppingClock,
                context: RequestContext = SYSTEM) -> None:
    """Set `who`'s UPI PIN (a fresh password login's) and let it settle: the clock moves on by
    the PIN policy's `settles_after`, so the PIN is a factor of its own (a held payment's
    answer). Call it before the payments a test makes: the move would expire their holds."""
    issued, _ = bank.resolve(LogInWithPassword).execute(who.customer_number, PASSWORD)
    bank.resolve(SetUpiPin).execute(bank.resolve(Authenticate).execute(issued.access_token), pin,
                                    None, context)
    clock.advance(bank.resolve(AuthPolicy).pin.settles_after)
