"""The second step of a login with two-step login on: the ticket a right password earned, and
a code from the authenticator (or a recovery code), for a session."""

from __future__ import annotations

import attrs

from application.audit import AuditRecorder
from application.context import DeviceInfo, RequestContext
from application.ports import Clock, UnitOfWorkFactory
from application.second_factor import SecondFactorCheck
from application.sessions import IssuedTokens, SessionIssuer, token_hash
from application.use_cases.device_binder import DeviceBinder
from domain.customer import Customer
from domain.errors import LoginTicketInvalid

GONE = "the login ticket is unknown, used or expired: log in with your password again"


class CompleteLogin:
    """A ticket lives five minutes and makes one session: of parallel second steps with right
    codes exactly one spends it. The step must name the device the password step named (or
    none, as it did); the device is bound here, where the session starts. A wrong code counts
    towards the code lockout (`SecondFactorCheck`), not the ticket."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, check: SecondFactorCheck,
                 issuer: SessionIssuer, binder: DeviceBinder, audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._check = check
        self._issuer = issuer
        self._binder = binder
        self._audit = audit

    def execute(self, ticket: str, context: RequestContext, *, code: str | None = None,
                recovery_code: str | None = None,
                device: DeviceInfo | None = None) -> tuple[IssuedTokens, Customer]:
        if device is not None:
            self._binder.check(device)
        found_hash = token_hash(ticket) if 1 <= len(ticket) <= 128 else ""
        with self._uow_factory() as uow:
            found = uow.second_factors.ticket(found_hash) if found_hash else None
            customer = uow.customers.get(found.customer_id) if found is not None else None
        if found is None or customer is None or not found.usable(self._clock.now()):
            raise LoginTicketInvalid(GONE)
        if found.device_identifier != (device.identifier if device else None):
            raise LoginTicketInvalid("the second step must come from the device that gave the "
                                     "password")
        method = self._check.verify(customer, context, code=code, recovery_code=recovery_code,
                                    action="auth.login.second_factor")
        with self._uow_factory(write=True) as uow:
            if not uow.second_factors.spend_ticket(found_hash, self._clock.now()):
                raise LoginTicketInvalid(GONE)
            current = uow.customers.lock(customer.id) or customer
            if device is not None:
                binding = self._binder.on_login(uow, current.id, device, context,
                                                current.customer_number)
                context = attrs.evolve(context, device_id=binding.identifier)
            issued = self._issuer.start(uow, current, context)
            uow.audit.append(self._audit.event(
                context, "auth.login", customer_id=current.id,
                resource=f"session:{issued.session.id}", method=f"password+{method}"))
            uow.commit()
        return issued, current
