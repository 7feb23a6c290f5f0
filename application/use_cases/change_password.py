"""Change one's password: the current one, then a new one; every other session ends."""

from __future__ import annotations

from application.audit import AuditRecorder
from application.context import RequestContext
from application.password_attempts import PasswordAttempts
from application.ports import Clock, Notifier, PasswordHasher, Recipient, UnitOfWorkFactory
from application.sessions import end_sessions
from application.use_cases.manage_sessions import Principal
from application.use_cases.password_policy import new_password_for
from domain.errors import Unauthorized, ValidationError
from domain.passwords import MAX_TYPED_LENGTH, prepare_password


class ChangePassword:
    """The current password counts towards the login lockout like a login's (a stolen session
    cannot guess it), the new one meets the rules of registration and differs from the
    current one. The caller's session stays; every other one ends, so whoever else held the
    old password (or a session made with it) is out. Outstanding reset tokens die too."""

    def __init__(self, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock,
                 audit: AuditRecorder, passwords: PasswordAttempts, notifier: Notifier) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._clock = clock
        self._audit = audit
        self._passwords = passwords
        self._notifier = notifier

    def execute(self, caller: Principal, current_password: str, new_password: str,
                context: RequestContext) -> int:
        """Answers how many other sessions ended. The new password is checked first: a
        refused one costs no attempt."""
        with self._uow_factory() as uow:
            customer = uow.customers.get(caller.customer_id)
        if customer is None:
            raise Unauthorized("unknown customer")
        prepared = new_password_for(customer, new_password)
        if len(current_password) <= MAX_TYPED_LENGTH \
                and prepare_password(current_password) == prepared:
            raise ValidationError("the new password must differ from the current one",
                                  field="new_password")
        checked = self._passwords.check(customer.customer_number, current_password, context,
                                        action="auth.password.change")
        if checked.customer is None:
            raise Unauthorized("the current password is wrong", reason="password")
        password_hash = self._hasher.hash(prepared)  # slow: before any lock
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            self._passwords.record_success(uow, customer.customer_number, checked.attempt)
            current = uow.customers.lock(customer.id)
            if current is None:
                raise Unauthorized("unknown customer")
            current.password_hash = password_hash
            uow.customers.update(current)
            uow.password_resets.drop_of_customer(current.id)
            ended = end_sessions(uow, current.id, now, "password_changed",
                                 keep=caller.session_id)
            uow.audit.append(self._audit.event(
                context, "auth.password.changed", customer_id=current.id,
                resource=f"customer:{current.customer_number}", sessions_ended=ended))
            uow.commit()
        self._notifier.deliver(
            Recipient.of(current), "Your password was changed",
            "The password of your Vaani banking login was changed just now, and every other "
            "device was logged out. If this was not you, reset your password and call the bank "
            "at once.")
        return ended
