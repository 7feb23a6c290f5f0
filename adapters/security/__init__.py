"""Security adapters: argon2id hashing and JWT tokens."""

from adapters.security.argon2_hasher import Argon2Hasher
from adapters.security.jwt_tokens import JwtTokenService

__all__ = ["Argon2Hasher", "JwtTokenService"]
