"""An operator gives a customer's voice back after it was disabled by too many failures."""

from __future__ import annotations

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import UnitOfWorkFactory
from domain.errors import CustomerNotFound
from domain.voice import VoiceAttempts


class RestoreVoice:
    def __init__(self, uow_factory: UnitOfWorkFactory, audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._audit = audit

    def execute(self, customer_number: str, context: RequestContext) -> None:
        with self._uow_factory(write=True) as uow:
            customer = uow.customers.by_number(customer_number)
            if customer is None:
                raise CustomerNotFound(f"customer {customer_number} not found")
            attempts = uow.voice.attempts(customer.id) or VoiceAttempts(customer.id)
            attempts.restore()
            uow.voice.save_attempts(attempts)
            uow.audit.append(self._audit.event(context, "voice.restored", customer_id=customer.id,
                                               resource=f"customer:{customer_number}"))
            uow.commit()
