"""Two-step login with an authenticator app (TOTP): turn it on (a secret shown once, confirmed
by a first code), see it, get new recovery codes, turn it off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.password_attempts import PasswordAttempts
from application.ports import Clock, Notifier, SecretBox, TotpCodes, UnitOfWork, UnitOfWorkFactory
from application.second_factor import SecondFactorCheck, recovery_hash, secret_replaced
from domain.branch import OwnBank
from domain.customer import Customer
from domain.errors import TotpAlreadyEnabled, TotpNotEnabled, Unauthorized
from domain.totp import RECOVERY_CODES, TotpFactor, printed_recovery_code

T = TypeVar("T")


@attrs.frozen
class TotpEnrolment:
    """What the customer's app needs, shown once: the secret, its `otpauth://` URI and that
    URI as a QR code (SVG)."""

    secret: str = attrs.field(repr=False)
    uri: str = attrs.field(repr=False)
    qr_svg: str = attrs.field(repr=False)


@attrs.frozen
class TotpStatus:
    enabled: bool
    pending: bool  # a secret was given out and no code has confirmed it yet
    confirmed_at: datetime | None
    recovery_codes_left: int


class ManageTotp:
    """Turning TOTP on or off, or printing new recovery codes, needs the password (counted
    towards the login lockout); turning it off or new codes also need a code, so a stolen
    session alone can neither lock the owner out nor take the second factor away."""

    def __init__(self, uow_factory: UnitOfWorkFactory, codes: TotpCodes, box: SecretBox,
                 clock: Clock, audit: AuditRecorder, passwords: PasswordAttempts,
                 check: SecondFactorCheck, notifier: Notifier, bank: OwnBank) -> None:
        self._uow_factory = uow_factory
        self._codes = codes
        self._box = box
        self._clock = clock
        self._audit = audit
        self._passwords = passwords
        self._check = check
        self._notifier = notifier
        self._issuer = f"Vaani {bank.code}"  # what the authenticator app lists it under

    def status(self, customer_id: UUID) -> TotpStatus:
        with self._uow_factory() as uow:
            factor = uow.second_factors.factor(customer_id)
            left = uow.second_factors.recovery_codes_left(customer_id) if factor else 0
        return TotpStatus(enabled=bool(factor and factor.active),
                          pending=bool(factor and not factor.active),
                          confirmed_at=factor.confirmed_at if factor else None,
                          recovery_codes_left=left)

    def enrol(self, customer_id: UUID, password: str, context: RequestContext) -> TotpEnrolment:
        """A new secret, pending until `confirm`; asking again replaces a pending one, never
        one that is on: that is refused (TotpAlreadyEnabled), as a password alone must not
        take the authenticator away (`disable` needs a code). The refusal is the write's own
        condition (`enrol_factor`), not a read before it, so it holds against a confirmation
        committed meanwhile. Of enrolments racing each other the last write wins and only its
        secret can be turned on: a code of a secret it replaced is a wrong code to `confirm`,
        or `secret_replaced` when the replacement lands while that code is checked."""
        customer = self._customer(customer_id)
        attempt = self._password(customer, password, context, "auth.totp.enrol")
        secret = self._codes.new_secret()
        with self._uow_factory(write=True) as uow:
            self._passwords.record_success(uow, customer.customer_number, attempt)
            if not uow.second_factors.enrol_factor(TotpFactor(
                    customer_id=customer_id, secret_sealed=self._box.seal(secret),
                    created_at=self._clock.now())):
                raise TotpAlreadyEnabled("two-step login is on already; turn it off first")
            uow.audit.append(self._audit.event(context, "auth.totp.enrol", customer_id=customer_id,
                                               resource=f"customer:{customer.customer_number}"))
            uow.commit()
        uri = self._codes.provisioning_uri(secret, customer.customer_number, self._issuer)
        return TotpEnrolment(secret, uri, self._codes.qr_svg(uri))

    def confirm(self, customer_id: UUID, code: str, context: RequestContext) -> list[str]:
        """The first code turns it on; answers the recovery codes, shown this once."""
        customer = self._customer(customer_id)
        with self._uow_factory() as uow:
            found = uow.second_factors.factor(customer_id)
        if found is None:
            raise TotpNotEnabled("start with POST /auth/totp: there is no secret to confirm")
        if found.active:
            raise TotpAlreadyEnabled("two-step login is on already")
        # The code is checked against this secret, and only this secret is turned on: a newer
        # enrolment that replaced it before the check is refused by the check, one after the
        # check by the conditional write, so a right code never switches on a secret it was
        # not compared with.
        self._check.verify(customer, context, code=code, action="auth.totp.confirm",
                           pending=found.secret_sealed)
        with self._uow_factory(write=True) as uow:
            if not uow.second_factors.confirm_factor(customer_id, found.secret_sealed,
                                                     self._clock.now()):
                raise secret_replaced()
            codes = self._new_recovery_codes(uow, customer_id)
            uow.audit.append(self._audit.event(context, "auth.totp.enabled",
                                               customer_id=customer_id,
                                               resource=f"customer:{customer.customer_number}"))
            uow.commit()
        self._notifier.tell(customer_id, "Two-step login is on",
                            "Logging in with your password now also needs a code from your "
                            "authenticator app. If this was not you, call the bank at once.")
        return codes

    def recovery_codes(self, customer_id: UUID, password: str, code: str | None,
                       recovery_code: str | None, context: RequestContext) -> list[str]:
        """New recovery codes; the old ones stop working."""
        return self._with_both(customer_id, password, code, recovery_code, context,
                               "auth.totp.recovery_codes",
                               lambda uow: self._new_recovery_codes(uow, customer_id))

    def disable(self, customer_id: UUID, password: str, code: str | None,
                recovery_code: str | None, context: RequestContext) -> None:
        self._with_both(customer_id, password, code, recovery_code, context, "auth.totp.disabled",
                        lambda uow: uow.second_factors.drop_factor(customer_id))
        self._notifier.tell(customer_id, "Two-step login is off",
                            "Your password alone now logs you in. If this was not you, call the "
                            "bank at once.")

    def _with_both(self, customer_id: UUID, password: str, code: str | None,
                   recovery_code: str | None, context: RequestContext, action: str,
                   change: Callable[[UnitOfWork], T]) -> T:
        """The password (counted), then a code, then `change` in one audited transaction."""
        customer = self._customer(customer_id)
        attempt = self._password(customer, password, context, action)
        self._check.verify(customer, context, code=code, recovery_code=recovery_code,
                           action=action)
        with self._uow_factory(write=True) as uow:
            self._passwords.record_success(uow, customer.customer_number, attempt)
            changed = change(uow)
            uow.audit.append(self._audit.event(context, action, customer_id=customer_id,
                                               resource=f"customer:{customer.customer_number}"))
            uow.commit()
        return changed

    def _new_recovery_codes(self, uow: UnitOfWork, customer_id: UUID) -> list[str]:
        plain = [self._codes.new_recovery_code() for _ in range(RECOVERY_CODES)]
        uow.second_factors.replace_recovery_codes(customer_id, [recovery_hash(p) for p in plain])
        return [printed_recovery_code(p) for p in plain]

    def _customer(self, customer_id: UUID) -> Customer:
        with self._uow_factory() as uow:
            customer = uow.customers.get(customer_id)
        if customer is None:
            raise Unauthorized("unknown customer")
        return customer

    def _password(self, customer: Customer, password: str, context: RequestContext,
                  action: str) -> int:
        checked = self._passwords.check(customer.customer_number, password, context, action=action)
        if checked.customer is None:
            raise Unauthorized("the password is wrong", reason="password")
        return checked.attempt
