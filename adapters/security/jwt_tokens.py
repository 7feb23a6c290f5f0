"""Signed JWT access tokens (HS256) with PyJWT; the algorithm list is always pinned."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt

from application.ports import Clock, TokenClaims
from domain.customer import Customer, Role
from domain.errors import Unauthorized

ALGORITHM = "HS256"
ISSUER = "vaani"
MIN_SECRET_BYTES = 32


class JwtTokenService:
    """Expiry is checked against the Clock port, not PyJWT's own reading of the system time,
    so the whole bank agrees on what "now" is (and tests can move it)."""

    def __init__(self, secret: str, clock: Clock, ttl: timedelta = timedelta(minutes=15)) -> None:
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"the JWT secret must be at least {MIN_SECRET_BYTES} bytes")
        self._secret = secret
        self._clock = clock
        self._ttl = ttl

    def issue(self, customer: Customer, session_id: UUID) -> tuple[str, int]:
        now = self._clock.now()
        expires = now + self._ttl
        claims = {
            "iss": ISSUER, "sub": str(customer.id), "sid": str(session_id),
            "jti": secrets.token_urlsafe(16),
            "roles": [customer.role.value], "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM), int(self._ttl.total_seconds())

    def read(self, token: str) -> TokenClaims:
        try:
            claims = jwt.decode(token, self._secret, algorithms=[ALGORITHM], issuer=ISSUER,
                                options={"require": ["exp", "iat", "sub", "sid", "jti", "iss"],
                                         "verify_exp": False, "verify_iat": False})
            if not int(claims["iat"]) <= self._clock.now().timestamp() < int(claims["exp"]):
                raise jwt.ExpiredSignatureError("outside the token's lifetime")
            return TokenClaims(
                customer_id=UUID(claims["sub"]),
                session_id=UUID(claims["sid"]),
                roles=tuple(Role(r) for r in claims.get("roles", [])),
                token_id=str(claims["jti"]),
                issued_at=datetime.fromtimestamp(claims["iat"], UTC),
                expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            )
        except (jwt.PyJWTError, ValueError, TypeError) as error:
            raise Unauthorized("the access token is missing, invalid or expired") from error
