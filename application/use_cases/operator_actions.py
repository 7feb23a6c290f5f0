"""What a bank operator does to customers, accounts and devices; every act audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import Clock, Notifier, UnitOfWork, UnitOfWorkFactory
from application.use_cases.devices import revoke_binding
from application.use_cases.interest_settlement import ALREADY, settle_interest
from application.use_cases.postings import Poster
from domain.account import Account, AccountStatus
from domain.customer import Customer, KycStatus
from domain.device import DeviceBinding
from domain.errors import (
    AccountNotFound,
    CustomerNotFound,
    DeviceNotFound,
    Forbidden,
    TotpNotEnabled,
)
from domain.interest import month_of
from domain.permissions import Permission, may
from domain.till import BusinessCalendar


@attrs.frozen
class CustomerOverview:
    customer: Customer
    accounts: list[Account]
    devices: list[DeviceBinding]
    two_step_login: bool = False


def _customer(uow: UnitOfWork, number: str) -> Customer:
    found = uow.customers.by_number(number)
    if found is None:
        raise CustomerNotFound(f"customer {number} not found", customer_number=number)
    return found


class OperateCustomers:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, audit: AuditRecorder,
                 notifier: Notifier) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._audit = audit
        self._notifier = notifier

    def show(self, number: str) -> CustomerOverview:
        with self._uow_factory() as uow:
            customer = _customer(uow, number)
            factor = uow.second_factors.factor(customer.id)
            return CustomerOverview(customer, uow.accounts.of_customer(customer.id),
                                    uow.devices.of_customer(customer.id),
                                    factor is not None and factor.active)

    def search(self, text: str, limit: int) -> list[Customer]:
        with self._uow_factory() as uow:
            return uow.customers.search(text, limit)

    def staff(self, number: str, permission: Permission) -> Customer:
        """The member of staff with this customer number, if they are not disabled and their
        role grants `permission` (domain/permissions.py): who acts in a step taken at the
        command line (maker-checker, a teller's till)."""
        with self._uow_factory() as uow:
            found = _customer(uow, number)
        if found.disabled:  # staff who left act no more, at the counter or the command line
            raise Forbidden(f"customer {number} is disabled", customer_number=number)
        if not may(found.roles, permission):
            raise Forbidden(f"customer {number} ({found.role.value}) may not "
                            f"{permission.value.replace('_', ' ')}", customer_number=number)
        return found

    def set_kyc(self, number: str, status: KycStatus, context: RequestContext) -> Customer:
        with self._uow_factory(write=True) as uow:
            customer = _customer(uow, number)
            customer.kyc_status = status
            uow.customers.update(customer)
            uow.accounts.set_kyc(customer.id, status)  # what their postings are held to
            uow.audit.append(self._audit.event(context, "customer.kyc", customer_id=customer.id,
                                               resource=f"customer:{number}", status=status.value))
            uow.commit()
            return customer

    def freeze(self, number: str, frozen: bool, context: RequestContext) -> list[Account]:
        """Freeze (or unfreeze) every open account of a customer; freezing also ends their
        sessions, so a compromised login stops at once."""
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            customer = _customer(uow, number)
            # The customer first, as an opening takes it (open_account.py): an account opened
            # meanwhile is either in the list below or opened after the freeze, and refused.
            uow.customers.lock(customer.id)
            changed = []
            # Locked before they change: writing back an account read unlocked would undo the
            # balance of a transfer posted meanwhile.
            numbers = [a.account_number for a in uow.accounts.of_customer(customer.id)]
            locked = uow.accounts.lock(numbers) if numbers else {}
            for account in (locked[n] for n in numbers):
                if account.status is AccountStatus.CLOSED:
                    continue
                account.freeze() if frozen else account.unfreeze()
                uow.accounts.update(account)
                changed.append(account)
            if frozen:
                for session in uow.sessions.of_customer(customer.id):
                    if session.is_active(now):
                        session.revoke(now, "customer_frozen")
                        uow.sessions.update(session)
            uow.audit.append(self._audit.event(
                context, "customer.frozen" if frozen else "customer.unfrozen",
                customer_id=customer.id, resource=f"customer:{number}", accounts=len(changed)))
            uow.commit()
            return changed


    def reset_second_factor(self, number: str, context: RequestContext) -> Customer:
        """Turn a customer's two-step login off (a lost phone, and its recovery codes with
        it), once the bank has identified them another way; they are told."""
        with self._uow_factory(write=True) as uow:
            customer = _customer(uow, number)
            if uow.second_factors.factor(customer.id) is None:
                raise TotpNotEnabled(f"customer {number} has no two-step login to turn off")
            uow.second_factors.drop_factor(customer.id)
            uow.audit.append(self._audit.event(context, "auth.totp.reset",
                                               customer_id=customer.id,
                                               resource=f"customer:{number}"))
            uow.commit()
        self._notifier.tell(customer.id, "Two-step login was turned off by the bank",
                            "At your request the bank turned two-step login off: your password "
                            "alone logs you in now. If you did not ask for this, call the bank.")
        return customer


class OperateAccounts:
    def __init__(self, uow_factory: UnitOfWorkFactory, audit: AuditRecorder, poster: Poster,
                 clock: Clock, calendar: BusinessCalendar) -> None:
        self._uow_factory = uow_factory
        self._audit = audit
        self._poster = poster
        self._clock = clock
        self._calendar = calendar

    def _act(self, number: str, action: str, change: Callable[[Account], None],
             context: RequestContext, owner: UUID | None = None,
             then: Callable[[UnitOfWork, Account], dict[str, Any]] | None = None) -> Account:
        with self._uow_factory(write=True) as uow:
            account = uow.accounts.lock([number]).get(number)
            if account is None or account.customer_id is None or (
                    owner is not None and account.customer_id != owner):
                raise AccountNotFound(f"account {number} not found", account_number=number)
            change(account)
            uow.accounts.update(account)
            details = then(uow, account) if then is not None else {}
            uow.audit.append(self._audit.event(context, f"account.{action}",
                                               customer_id=account.customer_id,
                                               resource=f"account:{number}", **details))
            uow.commit()
            return account

    def freeze(self, number: str, context: RequestContext) -> Account:
        return self._act(number, "frozen", Account.freeze, context)

    def unfreeze(self, number: str, context: RequestContext) -> Account:
        return self._act(number, "unfrozen", Account.unfreeze, context)

    def close(self, number: str, context: RequestContext, owner: UUID | None = None) -> Account:
        """Only at zero, with nothing held (the account refuses otherwise); `owner`: the
        customer closing their own (someone else's is not found). The interest the account
        accrued and was not paid is settled in the same step, to the bank's payable for closed
        accounts (a closed account holds nothing): no later run is left a month it cannot
        post, and the customer is owed what they earned."""
        today = self._calendar.day_of(self._clock.now())

        def settle(uow: UnitOfWork, account: Account) -> dict[str, Any]:
            settled = settle_interest(uow, self._poster, account, month_of(today), today)
            return {} if settled == ALREADY else {"interest": settled}

        return self._act(number, "closed", Account.close, context, owner, settle)


class OperateDevices:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._audit = audit

    def revoke(self, number: str, identifier: str, context: RequestContext) -> DeviceBinding:
        """As the customer's own revocation (`revoke_binding`): its sessions end with it."""
        with self._uow_factory(write=True) as uow:
            customer = _customer(uow, number)
            binding = uow.devices.by_identifier(customer.id, identifier, lock=True)
            if binding is None:
                raise DeviceNotFound(f"customer {number} has no device {identifier!r}")
            ended = revoke_binding(uow, binding, self._clock.now())
            uow.audit.append(self._audit.event(context, "device.revoked", customer_id=customer.id,
                                               resource=f"device:{binding.id}", by="operator",
                                               sessions_ended=ended))
            uow.commit()
            return binding
