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
VERIFIED_TOKENS_KEPT = 20_000  # ~0.9 KiB each with its token: ~18 MiB at most


class JwtTokenService:
    """Expiry is checked against the Clock port, not PyJWT's own reading of the system time,
    so the whole bank agrees on what "now" is (and tests can move it)."""

    def __init__(self, secret: str, clock: Clock, ttl: timedelta = timedelta(minutes=15)) -> None:
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"the JWT secret must be at least {MIN_SECRET_BYTES} bytes")
        self._secret = secret
        self._clock = clock
        self._ttl = ttl
        # Tokens whose signature and claims were verified, by their exact text (signature
        # included, so a forged variant is a different key and is verified on its own): a
        # signature costs far more to verify than a lookup, and a client sends the same token
        # for up to its whole lifetime.
        self._verified: dict[str, TokenClaims] = {}

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
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify(token)
            if len(self._verified) >= VERIFIED_TOKENS_KEPT:
                self._verified.clear()  # a crude bound: re-verifying is all it costs
            self._verified[token] = claims
        # The lifetime is checked on every use, cached or not.
        if not claims.issued_at <= self._clock.now() < claims.expires_at:
            raise Unauthorized("the access token is missing, invalid or expired")
        return claims

    def _verify(self, token: str) -> TokenClaims:
        try:
            claims = jwt.decode(token, self._secret, algorithms=[ALGORITHM], issuer=ISSUER,
                                options={"require": ["exp", "iat", "sub", "sid", "jti", "iss"],
                                         "verify_exp": False, "verify_iat": False})
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
