"""Ask for a password reset: a single-use token goes to the customer's own contact."""

from __future__ import annotations

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import Clock, IdGenerator, Notifier, Recipient, UnitOfWorkFactory
from application.sessions import token_hash
from domain.audit import Outcome
from domain.errors import ValidationError
from domain.password_reset import RESET_LIFETIME, PasswordReset

SUBJECT = "Reset your Vaani password"
BODY = ("Someone, hopefully you, asked to reset the password of your Vaani banking login. "
        "Your reset code is:\n\n    {secret}\n\nIt works once, within 15 minutes. If you did "
        "not ask for it, ignore this message: your password stays as it is.")


class RequestPasswordReset:
    """The caller learns nothing: the same (empty) answer and the same database work whether
    or not the customer exists, and the token travels only through the notifier, never back
    to the caller. A token is 256 random bits stored as SHA-256; a newer request makes the
    customer's earlier tokens unusable. Throttled per address and customer number by the
    entrypoint, as logins are."""

    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 audit: AuditRecorder, notifier: Notifier) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock
        self._audit = audit
        self._notifier = notifier

    def execute(self, customer_number: str, context: RequestContext) -> None:
        if not (1 <= len(customer_number) <= 64 and customer_number.isprintable()):
            raise ValidationError("customer_number is not a customer number",
                                  field="customer_number")
        token, now = self._ids.new_secret(), self._clock.now()
        with self._uow_factory(write=True) as uow:
            uow.password_resets.drop_before(now)  # the table holds only live tokens
            found = uow.customers.by_number(customer_number)
            # Locked: two requests at once leave one live token, the newer one.
            customer = uow.customers.lock(found.id) if found is not None else None
            if customer is None or customer.disabled:
                uow.audit.append(self._audit.event(
                    context, "auth.password.reset_requested", outcome=Outcome.FAILURE,
                    customer_id=customer.id if customer else None,
                    resource=f"customer:{customer_number}",
                    reason="disabled" if customer else "unknown_customer"))
                uow.commit()
                return
            uow.password_resets.drop_of_customer(customer.id)
            uow.password_resets.add(PasswordReset(
                token_hash=token_hash(token), customer_id=customer.id, created_at=now,
                expires_at=now + RESET_LIFETIME))
            uow.audit.append(self._audit.event(
                context, "auth.password.reset_requested", customer_id=customer.id,
                resource=f"customer:{customer.customer_number}",
                expires_at=(now + RESET_LIFETIME).isoformat()))
            uow.commit()
        self._notifier.deliver(Recipient.of(customer), SUBJECT, BODY, secret=token)
