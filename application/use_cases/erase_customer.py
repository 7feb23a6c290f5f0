"""The customer asks the bank to erase their personal data (and so to close their accounts)."""

from __future__ import annotations

from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.password_attempts import PasswordAttempts
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.use_cases.view_profile import own_customer
from domain.account import AccountStatus
from domain.card import CardStatus
from domain.customer import Customer
from domain.errors import ErasureRefused, Unauthorized
from domain.standing_order import StandingOrderStatus


@attrs.frozen
class Erasure:
    customer_number: str
    accounts_closed: tuple[str, ...]
    sessions_ended: int


class EraseCustomer:
    """All or nothing, in one transaction, after the password (counted towards the login
    lockout): every account must be at zero with nothing held, or nothing at all is done and
    the error names the accounts that still hold money. Then the accounts close, every session
    ends, devices are revoked, two-step login is turned off, cards are blocked, standing
    orders cancelled, payees and reminders deleted, and the profile pseudonymised
    (Customer.erase). The customer number, the ledger, the transfers and the audit trail stay
    as they were: a bank must keep its books and their proof (docs/security.md), and changing
    them would break the hash chain and the balances that `vaani ledger verify` proves."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, audit: AuditRecorder,
                 passwords: PasswordAttempts) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._audit = audit
        self._passwords = passwords

    def execute(self, customer_id: UUID, password: str, context: RequestContext) -> Erasure:
        with self._uow_factory() as uow:
            number = own_customer(uow, customer_id).customer_number
        checked = self._passwords.check(number, password, context, action="customer.erasure")
        if checked.customer is None or checked.customer.id != customer_id:
            raise Unauthorized("the password is wrong", reason="password")
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            self._passwords.record_success(uow, number, checked.attempt)
            customer = own_customer(uow, customer_id, lock=True)
            closed = self._close_accounts(uow, customer, context)
            ended = 0
            for session in uow.sessions.of_customer(customer_id):
                if session.is_active(now):
                    session.revoke(now, "erased")
                    uow.sessions.update(session)
                    ended += 1
            self._forget(uow, customer)
            customer.erase(now)
            uow.customers.update(customer)
            uow.audit.append(self._audit.event(
                context, "customer.erased", customer_id=customer_id,
                resource=f"customer:{number}", accounts_closed=len(closed), sessions=ended))
            uow.commit()
        return Erasure(number, tuple(closed), ended)

    def _close_accounts(self, uow: UnitOfWork, customer: Customer,
                        context: RequestContext) -> list[str]:
        numbers = [a.account_number for a in uow.accounts.of_customer(customer.id)]
        locked = uow.accounts.lock(numbers) if numbers else {}
        accounts = [locked[n] for n in numbers if locked[n].status is not AccountStatus.CLOSED]
        holding = [a for a in accounts if a.balance.minor != 0 or a.held.minor != 0]
        if holding:
            raise ErasureRefused(
                "these accounts still hold money; move it out (or settle what is owed) and "
                "ask again: " + ", ".join(f"{a.account_number} ({a.balance})" for a in holding),
                accounts=[a.account_number for a in holding])
        for account in accounts:
            account.close()
            uow.accounts.update(account)
            uow.audit.append(self._audit.event(context, "account.closed",
                                               customer_id=customer.id,
                                               resource=f"account:{account.account_number}",
                                               reason="erasure"))
        return [a.account_number for a in accounts]

    def _forget(self, uow: UnitOfWork, customer: Customer) -> None:
        """What only served the customer going forward: their ways in, payees, plans."""
        now = self._clock.now()
        for device in uow.devices.of_customer(customer.id):
            if device.revoked_at is None:
                device.revoke(now)
                uow.devices.update(device)
        if uow.second_factors.factor(customer.id) is not None:
            uow.second_factors.drop_factor(customer.id)
        uow.voice.forget(customer.id)  # voiceprint, samples' embeddings and hashes
        for card in uow.cards.of_customer(customer.id):
            if card.status is CardStatus.ACTIVE:
                card.block(now)
                uow.cards.update(card)
        for order in uow.standing_orders.of_customer(customer.id):
            if order.status in (StandingOrderStatus.ACTIVE, StandingOrderStatus.PAUSED):
                uow.standing_orders.update(order.cancelled(now))
                for waiting in uow.standing_orders.unsettled(order.id):  # never paid now
                    uow.standing_orders.update_occurrence(
                        waiting.stopped(StandingOrderStatus.CANCELLED, now))
        for payee in uow.beneficiaries.of_customer(customer.id):
            uow.beneficiaries.delete(payee.id)
        for reminder in uow.reminders.of_customer(customer.id):
            uow.reminders.delete(reminder.id)
