"""Log in with customer number and password: a new session, or a counted failure."""

from __future__ import annotations

import attrs

from application.audit import AuditRecorder
from application.context import SYSTEM, DeviceInfo, RequestContext
from application.password_attempts import PasswordAttempts
from application.ports import PasswordHasher, UnitOfWorkFactory
from application.sessions import IssuedTokens, SessionIssuer
from application.use_cases.device_binder import DeviceBinder
from domain.customer import Customer
from domain.errors import InvalidCredentials
from domain.passwords import prepare_password

WRONG = "customer number or password is wrong"


class LogInWithPassword:
    """One answer for an unknown customer and a wrong password; each attempt counts towards
    the lockout before its password is compared (`PasswordAttempts`)."""

    def __init__(self, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher,
                 issuer: SessionIssuer, audit: AuditRecorder, attempts: PasswordAttempts,
                 binder: DeviceBinder) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._issuer = issuer
        self._audit = audit
        self._attempts = attempts
        self._binder = binder

    def execute(self, customer_number: str, password: str, context: RequestContext = SYSTEM,
                device: DeviceInfo | None = None) -> tuple[IssuedTokens, Customer]:
        if not (1 <= len(customer_number) <= 64 and customer_number.isprintable()):
            raise InvalidCredentials(WRONG)
        if device is not None:  # before the password: a bad device must not cost an attempt
            self._binder.check(device)
        checked = self._attempts.check(customer_number, password, context)
        customer = checked.customer
        if customer is None:
            raise InvalidCredentials(WRONG)
        stored_hash = customer.password_hash
        # Made again while we know the password: new parameters, or a pre-normalisation hash.
        rehashed = self._hasher.hash(prepare_password(password)) if checked.stale_hash else None
        with self._uow_factory(write=True) as uow:
            self._attempts.record_success(uow, customer_number, checked.attempt)
            # Locked: the row is written whole, and must not carry back a PIN block (or PIN)
            # read before another transaction changed it.
            current = uow.customers.lock(customer.id) or customer
            if rehashed is not None and current.password_hash == stored_hash:
                current.password_hash = rehashed
                uow.customers.update(current)
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
