"""The port that signs audit checkpoints and checks their signatures."""

from __future__ import annotations

from typing import Protocol


class AuditKeys(Protocol):
    """Signing keys the operator keeps in files, outside the database, so that whoever can
    rewrite the database cannot also sign a checkpoint the operator will trust. A key file
    that is missing, malformed or readable by others raises ValidationError."""

    def create(self, private_path: str, public_path: str) -> bytes:
        """Write a new private key (owner-only, never over an existing file) and its public
        key; return the public key."""

    def public_key(self, path: str) -> bytes:
        """The public key in a public-key file, or the public half of a private-key file."""

    def sign(self, private_path: str, payload: bytes) -> tuple[bytes, bytes]:
        """The public key and the signature of `payload` by the private key in the file."""

    def verifies(self, public_key: bytes, payload: bytes, signature: bytes) -> bool:
        """Whether `signature` is `public_key`'s over `payload`; False for any malformed part."""
