"""Demo data for a first look at the bank; running it twice creates nothing new."""

from __future__ import annotations

import attrs

from application.context import SYSTEM
from application.ports import UnitOfWorkFactory
from application.use_cases.cards import ManageCards
from application.use_cases.open_account import OpenAccount, OpenAccountCommand
from application.use_cases.operator_actions import OperateCustomers
from application.use_cases.register_customer import RegisterCommand, RegisterCustomer
from domain.account import Account, AccountType
from domain.branch import Branch
from domain.customer import Customer, KycStatus, Role
from domain.money import Money

DEMO_BRANCHES = (
    Branch("MUM001", "Mumbai Fort", "VAAN0MUM001", "Mumbai", "12 Hutatma Chowk, Fort"),
    Branch("BLR001", "Bengaluru Indiranagar", "VAAN0BLR001", "Bengaluru", "100 Feet Road"),
    Branch("MAA001", "Chennai T Nagar", "VAAN0MAA001", "Chennai", "54 Usman Road"),
)
DEMO_PEOPLE = (
    ("Asha", "Verma", "asha.verma@demo.vaani.bank", "+919800000001", "asha-demo-passphrase",
     Role.CUSTOMER, (("savings", "50000.00"), ("current", "125000.00"))),
    ("Ravi", "Kumar", "ravi.kumar@demo.vaani.bank", "+919800000002", "ravi-demo-passphrase",
     Role.CUSTOMER, (("savings", "20000.00"),)),
    ("Olga", "Operator", "operator@demo.vaani.bank", "+919800000009", "operator-demo-passphrase",
     Role.OPERATOR, ()),
)


@attrs.frozen
class DemoLogin:
    customer: Customer
    password: str = attrs.field(repr=False)
    accounts: list[Account]
    created: bool


class SeedDemo:
    """Register the demo customers and open their funded accounts, unless already there."""

    def __init__(self, uow_factory: UnitOfWorkFactory, register: RegisterCustomer,
                 open_account: OpenAccount, cards: ManageCards,
                 customers: OperateCustomers) -> None:
        self._uow_factory = uow_factory
        self._customers = customers
        self._register = register
        self._open_account = open_account
        self._cards = cards

    def execute(self) -> list[DemoLogin]:
        with self._uow_factory(write=True) as uow:
            known = {b.code for b in uow.branches.all()}
            for branch in DEMO_BRANCHES:
                if branch.code not in known:
                    uow.branches.add(branch)
            uow.commit()
        logins = []
        for first, last, email, phone, password, role, accounts in DEMO_PEOPLE:
            with self._uow_factory() as uow:
                existing = uow.customers.by_email_or_phone(email, phone)
            if existing is not None:
                with self._uow_factory() as uow:
                    opened = uow.accounts.of_customer(existing.id)
                logins.append(DemoLogin(existing, password, opened, created=False))
                continue
            customer = self._register.execute(RegisterCommand(first, last, email, phone, password,
                                                              role=role))
            # Verified at the branch: the demo's customers pay and open accounts at once.
            customer = self._customers.set_kyc(customer.customer_number, KycStatus.FULL, SYSTEM)
            opened = [self._open_account.execute(OpenAccountCommand(
                customer.customer_number, AccountType(kind), opening_deposit=Money.parse(amount),
                branch_code=DEMO_BRANCHES[i % len(DEMO_BRANCHES)].code))
                for i, (kind, amount) in enumerate(accounts)]
            for account in opened:
                self._cards.issue(account.account_number, SYSTEM)
            logins.append(DemoLogin(customer, password, opened, created=True))
        return logins
