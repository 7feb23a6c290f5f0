"""Log in with customer number and password: a new session, or a counted failure."""

from __future__ import annotations

import attrs

from application.audit import AuditRecorder
from application.auth_policy import AuthPolicy
from application.context import SYSTEM, DeviceInfo, RequestContext
from application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from application.sessions import IssuedTokens, SessionIssuer
from application.use_cases.devices import DeviceBinder
from domain.audit import Outcome
from domain.customer import Customer
from domain.errors import AccountLocked, InvalidCredentials
from domain.login_attempts import LoginAttempts
from domain.timestamps import rfc3339

WRONG = "customer number or password is wrong"


class LogInWithPassword:
    """Failures are counted per customer number whether or not it exists, and an unknown
    customer costs the same argon2 work as a wrong password: nothing tells them apart. Each
    attempt is counted as failed in the database before the password is checked and refunded
    only if it was right, so no interleaving of requests, processes or hosts checks more
    passwords than the lockout allows."""

    def __init__(self, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher,
                 issuer: SessionIssuer, clock: Clock, audit: AuditRecorder,
                 policy: AuthPolicy, binder: DeviceBinder) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._issuer = issuer
        self._clock = clock
        self._audit = audit
        self._policy = policy
        self._binder = binder
        self._decoy = hasher.hash("decoy-password-never-matches")

    def execute(self, customer_number: str, password: str, context: RequestContext = SYSTEM,
                device: DeviceInfo | None = None) -> tuple[IssuedTokens, Customer]:
        if not (1 <= len(customer_number) <= 64 and customer_number.isprintable()):
            raise InvalidCredentials(WRONG)
        customer, attempt = self._reserve(customer_number, context)
        stored_hash = customer.password_hash if customer is not None else self._decoy
        matches = self._hasher.verify(stored_hash, password) and customer is not None
        if not matches or customer is None:
            self._record_failure(customer_number, customer, attempt, context)
        assert customer is not None
        # Parameters changed since this hash was made: upgrade it while we know the password.
        rehashed = self._hasher.hash(password) if self._hasher.needs_rehash(stored_hash) else None
        with self._uow_factory(write=True) as uow:
            current = uow.customers.get(customer.id) or customer
            if rehashed is not None and current.password_hash == stored_hash:
                current.password_hash = rehashed
                uow.customers.update(current)
            attempts = uow.login_attempts.get(customer_number)
            if attempts is not None and (attempts.failures or attempts.locked_until):
                attempts.record_success()  # the right password ends the count it was part of
                uow.login_attempts.save(attempts)
            if device is not None:
                binding = self._binder.on_login(uow, current.id, device, context)
                context = attrs.evolve(context, device_id=binding.identifier)
            issued = self._issuer.start(uow, current, context)
            uow.audit.append(self._audit.event(
                context, "auth.login", customer_id=current.id,
                resource=f"session:{issued.session.id}", method="password"))
            uow.commit()
        return issued, current

    def _reserve(self, number: str, context: RequestContext
                 ) -> tuple[Customer | None, LoginAttempts]:
        """The customer (if any) and the count with this attempt in it, committed before the
        password is checked; refused (and audited) while the customer number is locked."""
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            customer = uow.customers.by_number(number)
            attempts = uow.login_attempts.get(number) or LoginAttempts(number)
            if attempts.reserve(now, self._policy.lockout) is None:
                until = rfc3339(attempts.locked_until or now)
                uow.audit.append(self._audit.event(
                    context, "auth.login", outcome=Outcome.DENIED,
                    customer_id=customer.id if customer else None, resource=f"customer:{number}",
                    reason="locked", until=until))
                uow.commit()
                raise AccountLocked(f"too many failed logins; try again after {until}",
                                    locked_until=until)
            uow.login_attempts.save(attempts)
            uow.commit()
        return customer, attempts

    def _record_failure(self, number: str, customer: Customer | None, attempt: LoginAttempts,
                        context: RequestContext) -> None:
        """Audit a wrong password (counted already, by `_reserve`)."""
        customer_id = customer.id if customer else None
        with self._uow_factory(write=True) as uow:
            uow.audit.append(self._audit.event(
                context, "auth.login", outcome=Outcome.FAILURE, customer_id=customer_id,
                resource=f"customer:{number}", method="password", failures=attempt.failures))
            if attempt.locked_until is not None:  # this attempt was the last one allowed
                until = attempt.locked_until
                uow.audit.append(self._audit.event(
                    context, "auth.lockout", outcome=Outcome.DENIED, customer_id=customer_id,
                    resource=f"customer:{number}", until=rfc3339(until)))
            uow.commit()
        raise InvalidCredentials(WRONG)
