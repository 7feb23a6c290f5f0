"""Rotate a refresh token (RFC 9700): every use returns a new one; a reused one revokes all."""

from __future__ import annotations

from application.audit import AuditRecorder
from application.auth_policy import AuthPolicy
from application.context import RequestContext
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.sessions import IssuedTokens, SessionIssuer, token_hash
from domain.audit import Outcome
from domain.customer import Customer
from domain.errors import Unauthorized
from domain.session import Session

REFUSED = "the refresh token is invalid, expired or revoked; log in again"


class RefreshSession:
    def __init__(self, uow_factory: UnitOfWorkFactory, issuer: SessionIssuer, clock: Clock,
                 audit: AuditRecorder, policy: AuthPolicy) -> None:
        self._uow_factory = uow_factory
        self._issuer = issuer
        self._clock = clock
        self._audit = audit
        self._policy = policy

    def execute(self, refresh_token: str, context: RequestContext) -> IssuedTokens:
        if not 1 <= len(refresh_token) <= 512:
            raise Unauthorized(REFUSED)
        with self._uow_factory(write=True) as uow:
            presented = uow.refresh_tokens.get(token_hash(refresh_token))
            # Locking the session serialises two refreshes of one family (PostgreSQL). The token
            # is read again under the lock: a refresh that held it meanwhile has rotated it, and
            # acting on the first read would fork the family into two current tokens.
            session = uow.sessions.lock(presented.session_id) if presented else None
            if session is not None:
                presented = uow.refresh_tokens.get(token_hash(refresh_token))
            customer = uow.customers.get(session.customer_id) if session else None
            now = self._clock.now()
            if presented is None or session is None or customer is None \
                    or not session.is_active(now):
                raise Unauthorized(REFUSED)
            if presented.is_current:
                if now >= presented.expires_at:
                    raise Unauthorized(REFUSED)
                replaced, action = presented, "auth.refresh"
            else:
                successor = uow.refresh_tokens.get(presented.replaced_by or "")
                if successor is None or not successor.is_current or \
                        not presented.within_grace(now, self._policy.refresh_grace):
                    self._revoke_family(uow, session, customer, context)
                    uow.commit()
                    raise Unauthorized("this refresh token was already used: the session is "
                                       "revoked; log in again")
                # The client lost the answer to its last refresh: the token it never got is
                # withdrawn and replaced, so the family stays a single chain.
                replaced, action = successor, "auth.refresh.retry"
            issued = self._issuer.renew(uow, customer, session)
            new_hash = token_hash(issued.refresh_token)
            if replaced is presented:
                presented.rotate(now, new_hash)
            else:
                replaced.withdraw(now, new_hash)
            uow.refresh_tokens.update(replaced)
            session.last_seen_at = now
            uow.sessions.update(session)
            uow.audit.append(self._audit.event(context, action, customer_id=customer.id,
                                               resource=f"session:{session.id}"))
            uow.commit()
            return issued

    def _revoke_family(self, uow: UnitOfWork, session: Session, customer: Customer,
                       context: RequestContext) -> None:
        session.revoke(self._clock.now(), "refresh_token_reuse")
        uow.sessions.update(session)
        uow.audit.append(self._audit.event(
            context, "auth.refresh.reuse_detected", outcome=Outcome.DENIED,
            customer_id=customer.id, resource=f"session:{session.id}",
            note="possible refresh-token theft: whole session family revoked"))
