"""Secrets the bank must read back (authenticator secrets), sealed with AES-256-GCM under a key
kept outside the database (VAANI_SECRETS_KEY, or derived from VAANI_JWT_SECRET when unset:
docs/configuration.md). A sealed value names its key (`v1:`) so that a later key can be added
beside it."""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = "v1"
_CONTEXT = b"vaani sealed secrets v1"  # bound into every seal: a value cannot be moved elsewhere


def derived_key(material: str) -> bytes:
    """A 256-bit key from configured material (32+ bytes of it, checked by the settings)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_CONTEXT).derive(
        material.encode())


class AesGcmBox:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, plain: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plain.encode(), _CONTEXT)
        return f"{_VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, sealed: str) -> str:
        version, _, body = sealed.partition(":")
        if version != _VERSION:
            raise ValueError(f"sealed with an unknown key version {version!r}")
        raw = base64.urlsafe_b64decode(body)
        return self._aead.decrypt(raw[:12], raw[12:], _CONTEXT).decode()
