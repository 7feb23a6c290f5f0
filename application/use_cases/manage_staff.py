"""An admin's work on staff: take someone on (a teller, an operator, another admin), change
their role, disable them when they leave, and see who is on staff."""

from __future__ import annotations

from datetime import datetime

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.use_cases.register_customer import RegisterCommand, RegisterCustomer
from application.use_cases.webhooks import disable_endpoints_of
from domain.customer import Customer, Role
from domain.errors import CustomerNotFound, ValidationError
from domain.permissions import Permission, may

STAFF_ROLES = (Role.TELLER, Role.OPERATOR, Role.ADMIN)


def _staff_role(role: Role) -> None:
    if role not in STAFF_ROLES:
        raise ValidationError("a member of staff is a teller, an operator or an admin",
                              field="role")


class ManageStaff:
    """A change of role or a disabling ends every session of that person at once: an access
    token carries its roles, so none issued before the change may outlive it. Nor may a
    webhook feed they opened: when they lose the right to manage webhooks (disabled, or a role
    without it), the endpoints they registered are disabled in the same transaction."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, audit: AuditRecorder,
                 register: RegisterCustomer) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._audit = audit
        self._register = register

    def create(self, command: RegisterCommand) -> Customer:
        _staff_role(command.role)
        return self._register.execute(command)

    def set_role(self, number: str, role: Role, context: RequestContext) -> Customer:
        _staff_role(role)
        return self._change(number, context, "staff.role", role=role)

    def disable(self, number: str, context: RequestContext) -> Customer:
        return self._change(number, context, "staff.disabled", disable=True)

    def staff(self) -> list[Customer]:
        with self._uow_factory() as uow:
            return uow.customers.staff()

    def _change(self, number: str, context: RequestContext, action: str, *,
                role: Role | None = None, disable: bool = False) -> Customer:
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            found = uow.customers.by_number(number)
            if found is None or found.role not in STAFF_ROLES:
                raise CustomerNotFound(f"no member of staff {number}", customer_number=number)
            current = uow.customers.lock(found.id) or found
            before = current.role
            if role is not None:
                current.role = role
            if disable and current.disabled_at is None:
                current.disabled_at = now
            uow.customers.update(current)
            ended = self._end_sessions(uow, current, now)
            closed = 0
            if current.disabled or not may([current.role], Permission.MANAGE_WEBHOOKS):
                closed = disable_endpoints_of(uow, self._audit, context, current.id, now, action)
            uow.audit.append(self._audit.event(
                context, action, customer_id=current.id, resource=f"customer:{number}",
                role=current.role.value, before=before.value, sessions_ended=ended,
                webhooks_disabled=closed or None))
            uow.commit()
            return current

    def _end_sessions(self, uow: UnitOfWork, who: Customer, now: datetime) -> int:
        active = [s for s in uow.sessions.of_customer(who.id) if s.is_active(now)]
        for session in active:
            session.revoke(now, "staff_changed")
            uow.sessions.update(session)
        return len(active)
