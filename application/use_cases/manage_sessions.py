"""Checking, listing and ending sessions."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import Clock, TokenService, UnitOfWorkFactory
from domain.customer import Role
from domain.errors import SessionNotFound, Unauthorized
from domain.session import Session


@attrs.frozen
class Principal:
    """The caller of a request, after its token and its session were checked. `logged_in_at`
    is when the customer last proved who they are in this session (its login: password, voice
    or two-step), read from the session row: a refresh makes a new access token, never a new
    login, so a fresh-login rule measured from the token would be met by anyone holding the
    session."""

    customer_id: UUID
    session_id: UUID
    roles: tuple[Role, ...]
    logged_in_at: datetime
    device_id: str | None = None  # the device the session was started on


class Authenticate:
    """Token signature and expiry, then the session row: a logout or a revocation takes effect
    on the very next request, in every worker process."""

    def __init__(self, tokens: TokenService, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._tokens = tokens
        self._uow_factory = uow_factory
        self._clock = clock

    def execute(self, access_token: str) -> Principal:
        claims = self._tokens.read(access_token)
        with self._uow_factory() as uow:
            session = uow.sessions.get(claims.session_id)
        if session is None or session.customer_id != claims.customer_id \
                or not session.is_active(self._clock.now()):
            raise Unauthorized("the session has ended; log in again")
        return Principal(claims.customer_id, claims.session_id, claims.roles,
                         session.created_at, session.device_id)


class ListSessions:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def execute(self, customer_id: UUID) -> list[Session]:
        """The customer's sessions that still work, newest first."""
        now = self._clock.now()
        with self._uow_factory() as uow:
            return [s for s in uow.sessions.of_customer(customer_id) if s.is_active(now)]


class RevokeSessions:
    """End one session of the customer's (logout is ending the current one), or all of them."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._audit = audit

    def one(self, customer_id: UUID, session_id: UUID, context: RequestContext,
            reason: str = "revoked") -> None:
        with self._uow_factory(write=True) as uow:
            session = uow.sessions.lock(session_id)
            if session is None or session.customer_id != customer_id \
                    or not session.is_active(self._clock.now()):
                raise SessionNotFound("no such session", session_id=str(session_id))
            session.revoke(self._clock.now(), reason)
            uow.sessions.update(session)
            uow.audit.append(self._audit.event(context, f"auth.session.{reason}",
                                               customer_id=customer_id,
                                               resource=f"session:{session_id}"))
            uow.commit()

    def all(self, customer_id: UUID, context: RequestContext) -> int:
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            active = [s for s in uow.sessions.of_customer(customer_id) if s.is_active(now)]
            for session in active:
                session.revoke(now, "revoked_all")
                uow.sessions.update(session)
            uow.audit.append(self._audit.event(context, "auth.session.revoked_all",
                                               customer_id=customer_id,
                                               resource=f"customer:{customer_id}",
                                               sessions=len(active)))
            uow.commit()
        return len(active)
