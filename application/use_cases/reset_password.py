"""Reset a forgotten password with the token a reset request delivered."""

from __future__ import annotations

from typing import NoReturn

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import Clock, Notifier, PasswordHasher, Recipient, UnitOfWorkFactory
from application.sessions import end_sessions, token_hash
from application.use_cases.password_policy import new_password_for
from domain.audit import Outcome
from domain.errors import ResetTokenInvalid
from domain.password_reset import MAX_TOKEN_LENGTH, PasswordReset

GONE = "the reset code is unknown, used or expired: ask for a new one"


class ResetPassword:
    """A token resets once: of parallel resets with one token exactly one spends it (a
    conditional write), the other is refused as an unknown token is. The new password meets
    the rules of registration. Every session of the customer ends, the login lockout of the
    customer number is lifted (the token proved the contact), and the customer is told. A
    second factor stays on: a reset changes the password, not the code a login asks for."""

    def __init__(self, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock,
                 audit: AuditRecorder, notifier: Notifier) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._clock = clock
        self._audit = audit
        self._notifier = notifier

    def execute(self, token: str, new_password: str, context: RequestContext) -> None:
        found_hash = token_hash(token) if 1 <= len(token) <= MAX_TOKEN_LENGTH else ""
        with self._uow_factory() as uow:
            found = uow.password_resets.get(found_hash) if found_hash else None
            customer = uow.customers.get(found.customer_id) if found is not None else None
        if found is None or customer is None or not found.usable(self._clock.now()):
            self._refused(found, context)
        password_hash = self._hasher.hash(new_password_for(customer, new_password))
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            if not uow.password_resets.spend(found_hash, now):
                raise ResetTokenInvalid(GONE)
            current = uow.customers.lock(customer.id)
            if current is None:
                raise ResetTokenInvalid(GONE)
            current.password_hash = password_hash
            uow.customers.update(current)
            uow.password_resets.drop_of_customer(current.id)
            ended = end_sessions(uow, current.id, now, "password_reset")
            attempts = uow.login_attempts.get(current.customer_number)
            if attempts is not None:
                attempts.record_success()
                uow.login_attempts.save(attempts)
            uow.audit.append(self._audit.event(
                context, "auth.password.reset", customer_id=current.id,
                resource=f"customer:{current.customer_number}", sessions_ended=ended))
            uow.commit()
        self._notifier.deliver(
            Recipient.of(current), "Your password was reset",
            "The password of your Vaani banking login was reset just now with a reset code, and "
            "every device was logged out. If this was not you, call the bank at once.")

    def _refused(self, found: PasswordReset | None, context: RequestContext) -> NoReturn:
        """Audited (a run of them is someone guessing), then refused with one answer."""
        reason = "unknown" if found is None else (
            "used" if found.used_at is not None else "expired")
        with self._uow_factory(write=True) as uow:
            uow.audit.append(self._audit.event(
                context, "auth.password.reset", outcome=Outcome.FAILURE,
                customer_id=found.customer_id if found else None, resource="password_reset",
                reason=reason))
            uow.commit()
        raise ResetTokenInvalid(GONE)
