"""Starting a session: one access token and the first refresh token of a new family."""

from __future__ import annotations

import hashlib
from datetime import datetime
from uuid import UUID

import attrs

from application.auth_policy import AuthPolicy
from application.context import RequestContext
from application.ports import Clock, IdGenerator, TokenService, UnitOfWork
from domain.customer import Customer
from domain.errors import InvalidCredentials
from domain.session import RefreshToken, Session


def token_hash(token: str) -> str:
    """Refresh tokens are stored as SHA-256: 256 random bits need no slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


@attrs.frozen
class IssuedTokens:
    access_token: str = attrs.field(repr=False)
    refresh_token: str = attrs.field(repr=False)
    expires_in: int
    session: Session


class SessionIssuer:
    """Creates sessions and rotates their refresh tokens; the caller commits."""

    def __init__(self, tokens: TokenService, ids: IdGenerator, clock: Clock,
                 policy: AuthPolicy) -> None:
        self._tokens = tokens
        self._ids = ids
        self._clock = clock
        self._policy = policy

    def start(self, uow: UnitOfWork, customer: Customer, context: RequestContext) -> IssuedTokens:
        """Every way of logging in ends here: a disabled member of staff is refused as a wrong
        password is (nothing tells that the account exists)."""
        if customer.disabled:
            raise InvalidCredentials("customer number or password is wrong")
        now = self._clock.now()
        session = Session(id=self._ids.new_id(), customer_id=customer.id, created_at=now,
                          expires_at=now + self._policy.session_lifetime, last_seen_at=now,
                          ip=context.ip, device_id=context.device_id)
        uow.sessions.add(session)
        return self.renew(uow, customer, session)

    def renew(self, uow: UnitOfWork, customer: Customer, session: Session) -> IssuedTokens:
        """A new refresh token of the session's family and a new access token."""
        now = self._clock.now()
        refresh = self._ids.new_secret()
        uow.refresh_tokens.add(RefreshToken(
            token_hash=token_hash(refresh), session_id=session.id, issued_at=now,
            expires_at=min(now + self._policy.refresh_idle, session.expires_at)))
        access, expires_in = self._tokens.issue(customer, session.id)
        return IssuedTokens(access, refresh, expires_in, session)


def end_sessions(uow: UnitOfWork, customer_id: UUID, now: datetime, reason: str,
                 keep: UUID | None = None, device: str | None = None) -> int:
    """End the customer's active sessions but `keep` (in the caller's transaction), or with
    `device` only those started on that device (its binding's identifier): their access and
    refresh tokens stop working on the next request, with nothing added to the check every
    request makes (`Authenticate` reads the session row only). Answers how many ended."""
    ended = 0
    for session in uow.sessions.of_customer(customer_id):
        if session.id != keep and session.is_active(now) \
                and (device is None or session.device_id == device):
            session.revoke(now, reason)
            uow.sessions.update(session)
            ended += 1
    return ended
