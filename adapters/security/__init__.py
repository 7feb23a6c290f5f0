"""Security adapters: argon2id hashing, JWT tokens, device keys, Ed25519 keys for audit
checkpoints."""

from adapters.security.argon2_hasher import Argon2Hasher
from adapters.security.device_keys import SignatureKeyVerifier
from adapters.security.ed25519_keys import Ed25519AuditKeys
from adapters.security.jwt_tokens import JwtTokenService

__all__ = ["Argon2Hasher", "Ed25519AuditKeys", "JwtTokenService", "SignatureKeyVerifier"]
