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
    customer costs the same argon2 work as a wrong password: nothing tells them apart."""

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
        with self._uow_factory() as uow:
            customer = uow.customers.by_number(customer_number)
            attempts = uow.login_attempts.get(customer_number)
        if attempts is not None and attempts.is_locked(self._clock.now()):
            self._refuse_locked(customer_number, customer, attempts, context)
        stored_hash = customer.password_hash if customer is not None else self._decoy
        matches = self._hasher.verify(stored_hash, password) and customer is not None
        if not matches or customer is None:
            self._count_failure(customer_number, customer, context)
        assert customer is not None
        # Parameters changed since this hash was made: upgrade it while we know the password.
        rehashed = self._hasher.hash(password) if self._hasher.needs_rehash(stored_hash) else None
        with self._uow_factory(write=True) as uow:
            current = uow.customers.get(customer.id) or customer
            if rehashed is not None and current.password_hash == stored_hash:
                current.password_hash = rehashed
                uow.customers.update(current)
            attempts = uow.login_attempts.get(customer_number)
            if attempts is not None and attempts.failures:
                attempts.record_success()
                uow.login_attempts.save(attempts)
            if device is not None:
                binding = self._binder.on_login(uow, current.id, device, context,
                                                current.customer_number)
                context = attrs.evolve(context, device_id=binding.identifier)
            issued = self._issuer.start(uow, current, context)
            uow.audit.append(self._audit.event(
                context, "auth.login", customer_id=current.id,
                resource=f"session:{issued.session.id}", method="password"))
            uow.commit()
        return issued, current

    def _count_failure(self, number: str, customer: Customer | None,
                       context: RequestContext) -> None:
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            attempts = uow.login_attempts.get(number) or LoginAttempts(number)
            locked = attempts.record_failure(now, self._policy.lockout)
            uow.login_attempts.save(attempts)
            customer_id = customer.id if customer else None
            uow.audit.append(self._audit.event(
                context, "auth.login", outcome=Outcome.FAILURE, customer_id=customer_id,
                resource=f"customer:{number}", method="password", failures=attempts.failures))
            if locked:
                uow.audit.append(self._audit.event(
                    context, "auth.lockout", outcome=Outcome.DENIED, customer_id=customer_id,
                    resource=f"customer:{number}", until=rfc3339(attempts.locked_until or now)))
            uow.commit()
        raise InvalidCredentials(WRONG)

    def _refuse_locked(self, number: str, customer: Customer | None, attempts: LoginAttempts,
                       context: RequestContext) -> None:
        until = rfc3339(attempts.locked_until) if attempts.locked_until else ""
        with self._uow_factory(write=True) as uow:
            uow.audit.append(self._audit.event(
                context, "auth.login", outcome=Outcome.DENIED,
                customer_id=customer.id if customer else None, resource=f"customer:{number}",
                reason="locked", until=until))
            uow.commit()
        raise AccountLocked(f"too many failed logins; try again after {until}", locked_until=until)
