"""Ed25519 keys in PEM files for audit checkpoints (`cryptography`)."""

from __future__ import annotations

import os
import stat

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.errors import ValidationError

_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


class Ed25519AuditKeys:
    """A private key is an unencrypted PKCS#8 PEM file that only its owner may read (refused
    otherwise, as ssh refuses a private key others can read); a public key is a PEM file."""

    def create(self, private_path: str, public_path: str) -> bytes:
        key = Ed25519PrivateKey.generate()
        private_pem = key.private_bytes(serialization.Encoding.PEM,
                                        serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
        public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
        _write_new(private_path, private_pem, 0o600)
        try:
            _write_new(public_path, public_pem, 0o644)
        except ValidationError:
            os.unlink(private_path)  # no half-made pair left behind
            raise
        return key.public_key().public_bytes(*_RAW)

    def public_key(self, path: str) -> bytes:
        pem = _read(path)
        if b"PRIVATE KEY" in pem:
            return self._private(path, pem).public_key().public_bytes(*_RAW)
        try:
            key = serialization.load_pem_public_key(pem)
        except (ValueError, UnsupportedAlgorithm):
            raise ValidationError(f"{path}: not a PEM public key", field="key") from None
        if not isinstance(key, Ed25519PublicKey):
            raise ValidationError(f"{path}: not an Ed25519 key", field="key")
        return key.public_bytes(*_RAW)

    def sign(self, private_path: str, payload: bytes) -> tuple[bytes, bytes]:
        key = self._private(private_path, _read(private_path))
        return key.public_key().public_bytes(*_RAW), key.sign(payload)

    def verifies(self, public_key: bytes, payload: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(signature, payload)
        except (InvalidSignature, ValueError):
            return False
        return True

    @staticmethod
    def _private(path: str, pem: bytes) -> Ed25519PrivateKey:
        if os.name == "posix" and os.stat(path).st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ValidationError(f"{path}: a private key others can read or write is refused "
                                  f"(chmod 600 {path})", field="key")
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise ValidationError(f"{path}: not an unencrypted PEM private key",
                                  field="key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValidationError(f"{path}: not an Ed25519 key", field="key")
        return key


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read(64 * 1024)
    except OSError as error:
        raise ValidationError(f"{path}: cannot read the key ({error.strerror})",
                              field="key") from None


def _write_new(path: str, content: bytes, mode: int) -> None:
    """Create `path` with `mode` from the start (O_EXCL: never over an existing key)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise ValidationError(f"{path} already exists: a key is never overwritten",
                              field="key") from None
    except OSError as error:
        raise ValidationError(f"{path}: cannot create ({error.strerror})", field="key") from None
    with os.fdopen(fd, "wb") as file:
        if os.name == "posix":
            os.fchmod(fd, mode)  # exactly `mode`, whatever the umask
        file.write(content)
