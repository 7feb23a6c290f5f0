"""Log in with customer number and password: a new session, a ticket for the second step
when two-step login is on, or a counted failure."""

from __future__ import annotations

from datetime import datetime

import attrs

from application.audit import AuditRecorder
from application.context import SYSTEM, DeviceInfo, RequestContext
from application.password_attempts import PasswordAttempts
from application.ports import Clock, IdGenerator, PasswordHasher, UnitOfWork, UnitOfWorkFactory
from application.sessions import IssuedTokens, SessionIssuer, token_hash
from application.use_cases.device_binder import DeviceBinder
from domain.customer import Customer
from domain.errors import InvalidCredentials, SecondFactorRequired
from domain.passwords import prepare_password
from domain.totp import TICKET_LIFETIME, LoginTicket

WRONG = "customer number or password is wrong"
SECOND_FACTORS = ("totp", "recovery_code")


@attrs.frozen
class SecondStep:
    """The password was right and two-step login is on: the ticket the second step
    (`CompleteLogin`) presents with a code, and when it stops working."""

    ticket: str = attrs.field(repr=False)
    expires_at: datetime
    methods: tuple[str, ...] = SECOND_FACTORS


class LogInWithPassword:
    """One answer for an unknown customer and a wrong password; each attempt counts towards
    the lockout before its password is compared (`PasswordAttempts`)."""

    def __init__(self, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher,
                 issuer: SessionIssuer, audit: AuditRecorder, attempts: PasswordAttempts,
                 binder: DeviceBinder, ids: IdGenerator, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._issuer = issuer
        self._audit = audit
        self._attempts = attempts
        self._binder = binder
        self._ids = ids
        self._clock = clock

    def execute(self, customer_number: str, password: str, context: RequestContext = SYSTEM,
                device: DeviceInfo | None = None) -> tuple[IssuedTokens, Customer]:
        """A session, for a caller that has no second step to offer (raises
        SecondFactorRequired when two-step login is on)."""
        outcome = self.start(customer_number, password, context, device)
        if isinstance(outcome, SecondStep):
            raise SecondFactorRequired("two-step login is on: this login needs a code",
                                       expires_at=outcome.expires_at.isoformat())
        return outcome

    def start(self, customer_number: str, password: str, context: RequestContext = SYSTEM,
              device: DeviceInfo | None = None) -> tuple[IssuedTokens, Customer] | SecondStep:
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
            factor = uow.second_factors.factor(current.id)
            if factor is not None and factor.active:
                step = self._ticket(uow, current, context, device)
                uow.commit()
                return step
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

    def _ticket(self, uow: UnitOfWork, customer: Customer, context: RequestContext,
                device: DeviceInfo | None) -> SecondStep:
        ticket, now = self._ids.new_secret(), self._clock.now()
        expires_at = now + TICKET_LIFETIME
        uow.second_factors.drop_tickets_before(now)  # the table holds only live tickets
        uow.second_factors.add_ticket(LoginTicket(
            ticket_hash=token_hash(ticket), customer_id=customer.id, created_at=now,
            expires_at=expires_at, device_identifier=device.identifier if device else None))
        uow.audit.append(self._audit.event(
            context, "auth.login.password", customer_id=customer.id,
            resource=f"customer:{customer.customer_number}", next="second_factor"))
        return SecondStep(ticket, expires_at)
