"""Building audit records from a request context; the unit of work seals and stores them."""

from __future__ import annotations

from uuid import UUID

from application.context import RequestContext
from application.ports import Clock, IdGenerator
from domain.audit import AuditEvent, Outcome


class AuditRecorder:
    """Makes audit events with the time and ids of the ports, so the chain is deterministic
    under test. The caller appends them to its own unit of work: same transaction as the act."""

    def __init__(self, clock: Clock, ids: IdGenerator) -> None:
        self._clock = clock
        self._ids = ids

    def event(self, context: RequestContext, action: str, *, outcome: str = Outcome.SUCCESS,
              customer_id: UUID | None = None, resource: str = "",
              **details: object) -> AuditEvent:
        return AuditEvent(
            id=self._ids.new_id(), occurred_at=self._clock.now(), action=action, outcome=outcome,
            actor_id=context.actor_id, customer_id=customer_id, resource=resource, ip=context.ip,
            device_id=context.device_id, request_id=context.request_id,
            details={k: str(v) for k, v in details.items() if v is not None},
        )
