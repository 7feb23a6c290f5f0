"""A customer's password checked against the login lockout, wherever it is asked for (logging
in, setting the UPI PIN, enrolling the voice again), so no endpoint is a guessing oracle."""

from __future__ import annotations

import attrs

from application.audit import AuditRecorder
from application.auth_policy import AuthPolicy
from application.context import RequestContext
from application.ports import Clock, PasswordHasher, UnitOfWork, UnitOfWorkFactory
from domain.audit import Outcome
from domain.customer import Customer
from domain.errors import AccountLocked
from domain.login_attempts import LoginAttempts
from domain.passwords import MAX_TYPED_LENGTH, prepare_password
from domain.timestamps import rfc3339


@attrs.frozen
class PasswordCheck:
    customer: Customer | None  # None: not this customer's password (or no such customer)
    attempt: int  # this attempt's number in the count, for `record_success`
    stale_hash: bool = False  # make the stored hash again while the password is known


class PasswordAttempts:
    """Each check is counted as failed in the database before the password is compared and
    refunded (`record_success`) only if it was right, so no interleaving of requests,
    processes or hosts compares more passwords than the lockout allows. Failures count per
    customer number whether or not it exists, and an unknown customer costs the same argon2
    work as a wrong password."""

    def __init__(self, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock,
                 audit: AuditRecorder, policy: AuthPolicy) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._clock = clock
        self._audit = audit
        self._policy = policy
        self._decoy = hasher.hash("decoy-password-never-matches")

    def check(self, customer_number: str, password: str, context: RequestContext,
              action: str = "auth.login") -> PasswordCheck:
        """Whose password this is (no customer: counted and audited as `action`), this
        attempt's number, and whether the stored hash should be made again from the prepared
        password (new hashing parameters, or a hash of the password as typed, from before
        passwords were prepared). Raises AccountLocked, comparing nothing, while locked."""
        customer, attempts = self._reserve(customer_number, context, action)
        stored_hash = customer.password_hash if customer is not None else self._decoy
        prepared = prepare_password(password) if len(password) <= MAX_TYPED_LENGTH else None
        if prepared is not None and customer is not None:
            if self._hasher.verify(stored_hash, prepared):
                return PasswordCheck(customer, attempts.failures,
                                     self._hasher.needs_rehash(stored_hash))
            # Only a password that preparing changes pays a second comparison.
            if prepared != password and self._hasher.verify(stored_hash, password):
                return PasswordCheck(customer, attempts.failures, True)
        elif prepared is not None:
            self._hasher.verify(stored_hash, prepared)  # an unknown customer costs the same
        self._record_failure(customer_number, customer, attempts, context, action)
        return PasswordCheck(None, attempts.failures, False)

    def record_success(self, uow: UnitOfWork, customer_number: str, attempt: int) -> None:
        """In the caller's transaction, before it does what the password allows: the right
        password settles its own count; raises AccountLocked if others' wrong passwords locked
        the customer number while it was compared (a right one never lifts a lock it did not
        set)."""
        attempts = uow.login_attempts.get(customer_number)
        if attempts is None:
            return
        now = self._clock.now()
        if not attempts.settle_right(attempt, now):
            until = rfc3339(attempts.locked_until or now)
            raise AccountLocked(f"too many failed logins; try again after {until}",
                                locked_until=until)
        uow.login_attempts.save(attempts)

    def _reserve(self, number: str, context: RequestContext, action: str
                 ) -> tuple[Customer | None, LoginAttempts]:
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            customer = uow.customers.by_number(number)
            attempts = uow.login_attempts.get(number) or LoginAttempts(number)
            if attempts.reserve(now, self._policy.lockout) is None:
                until = rfc3339(attempts.locked_until or now)
                uow.audit.append(self._audit.event(
                    context, action, outcome=Outcome.DENIED,
                    customer_id=customer.id if customer else None, resource=f"customer:{number}",
                    reason="locked", until=until))
                uow.commit()
                raise AccountLocked(f"too many failed logins; try again after {until}",
                                    locked_until=until)
            uow.login_attempts.save(attempts)
            uow.commit()
        return customer, attempts

    def _record_failure(self, number: str, customer: Customer | None, attempt: LoginAttempts,
                        context: RequestContext, action: str) -> None:
        customer_id = customer.id if customer else None
        with self._uow_factory(write=True) as uow:
            uow.audit.append(self._audit.event(
                context, action, outcome=Outcome.FAILURE, customer_id=customer_id,
                resource=f"customer:{number}", method="password", failures=attempt.failures))
            if attempt.locked_until is not None:  # this attempt was the last one allowed
                uow.audit.append(self._audit.event(
                    context, "auth.lockout", outcome=Outcome.DENIED, customer_id=customer_id,
                    resource=f"customer:{number}", until=rfc3339(attempt.locked_until)))
            uow.commit()
