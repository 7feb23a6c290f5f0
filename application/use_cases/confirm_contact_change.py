"""The code sent to a new email or phone comes back: the change is made."""

from __future__ import annotations

from uuid import UUID

from application.audit import AuditRecorder
from application.auth_policy import AuthPolicy
from application.context import RequestContext
from application.ports import Clock, DuplicateCustomer, Notifier, Recipient, UnitOfWorkFactory
from application.use_cases.view_profile import own_customer
from domain.audit import Outcome
from domain.contact_change import ContactChange, ContactField, check_code
from domain.customer import Customer
from domain.errors import (
    AccountLocked,
    ContactChangeFailed,
    ContactChangeNotPending,
    ContactCodeInvalid,
)
from domain.login_attempts import LoginAttempts
from domain.timestamps import rfc3339

NOT_PENDING = "no change of email or phone waits for a code (none asked, expired or made)"


def attempts_key(customer: Customer) -> str:
    """Codes count apart from passwords and authenticator codes, under the same lockout."""
    return f"contact:{customer.customer_number}"


class ConfirmContactChange:
    """Checked with the customer's row locked, so parallel guesses queue and each is counted
    before the next is compared; the lockout that ends a run of wrong codes also drops the
    change (guessing cannot resume when it lifts). A right code is spent by the change it
    makes. An address another customer took since it was asked for is refused without saying
    so (`contact_change_failed`), as the request itself was answered."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, audit: AuditRecorder,
                 notifier: Notifier, policy: AuthPolicy) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._audit = audit
        self._notifier = notifier
        self._policy = policy

    def execute(self, customer_id: UUID, code: str, context: RequestContext) -> Customer:
        check_code(code)
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            customer = own_customer(uow, customer_id, lock=True)
            key = attempts_key(customer)
            attempts = uow.login_attempts.get(key) or LoginAttempts(key)
            if attempts.is_locked(now):
                until = rfc3339(attempts.locked_until or now)
                raise AccountLocked(f"too many wrong codes; try again after {until}",
                                    locked_until=until)
            change = customer.contact_change
            if change is None or not change.usable(now):
                raise ContactChangeNotPending(NOT_PENDING)
            resource = f"customer:{customer.customer_number}"
            if not change.matches(customer.id, code):
                attempts.reserve(now, self._policy.lockout)
                uow.login_attempts.save(attempts)
                uow.audit.append(self._audit.event(
                    context, "customer.contact.changed", outcome=Outcome.FAILURE,
                    customer_id=customer.id, resource=resource, failures=attempts.failures))
                if attempts.locked_until is not None:
                    customer.contact_change = None  # ask again, for a new code, after the lock
                    uow.customers.update(customer)
                    uow.audit.append(self._audit.event(
                        context, "auth.lockout", outcome=Outcome.DENIED,
                        customer_id=customer.id, resource=resource,
                        until=rfc3339(attempts.locked_until)))
                uow.commit()
                left = max(0, self._policy.lockout.max_failures - attempts.failures)
                raise ContactCodeInvalid("the code is wrong", attempts_left=left)
            old = _apply(customer, change)
            other = uow.customers.by_email_or_phone(change.value, change.value)
            try:
                if other is not None and other.id != customer.id:
                    raise DuplicateCustomer(customer.customer_number)
                uow.customers.update(customer)
            except DuplicateCustomer:
                raise ContactChangeFailed("this change cannot be made; ask for a new code or "
                                          "call the bank") from None
            attempts.record_success()
            uow.login_attempts.save(attempts)
            uow.audit.append(self._audit.event(context, "customer.contact.changed",
                                               customer_id=customer.id, resource=resource,
                                               field=change.field.value))
            uow.commit()
        what = "email address" if change.field is ContactField.EMAIL else "phone number"
        self._notifier.deliver(Recipient.at(customer, old), f"Your {what} at the bank was changed",
                               f"Messages from the bank now go to your new {what}. If this was "
                               "not you, call the bank at once.")
        return customer


def _apply(customer: Customer, change: ContactChange) -> str:
    """Make the change, answering the address it replaces."""
    old = getattr(customer, change.field.value)
    setattr(customer, change.field.value, change.value)
    customer.contact_change = None
    return str(old)

