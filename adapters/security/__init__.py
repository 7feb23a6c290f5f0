"""Security adapters: argon2id hashing, JWT tokens and device keys."""

from adapters.security.argon2_hasher import Argon2Hasher
from adapters.security.device_keys import SignatureKeyVerifier
from adapters.security.jwt_tokens import JwtTokenService

__all__ = ["Argon2Hasher", "JwtTokenService", "SignatureKeyVerifier"]
