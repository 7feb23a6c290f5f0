"""Possession of a bound device: the public key the app registers at binding, the server's
single-use nonces, and the exact bytes a device signs. Naming a device proves nothing; signing
a fresh nonce with the key registered for it does."""

from __future__ import annotations

import hashlib
from datetime import datetime

import attrs

NONCE_PURPOSE = "vaani-device-proof/v1"  # domain separation: the key signs nothing else of ours


@attrs.frozen
class DeviceKey:
    """A public key as the bank stores it: the algorithm ("ed25519" or "es256", later
    "webauthn") and its SubjectPublicKeyInfo DER (or the form its verifier adapter keeps)."""

    algorithm: str
    public_key: bytes = attrs.field(repr=False)


@attrs.frozen
class DeviceProof:
    """What the app sends back: the nonce it was given and its signature over
    `signed_message`. WebAuthn assertions will carry their two extra fields here."""

    nonce: str
    signature: bytes = attrs.field(repr=False)
    authenticator_data: bytes | None = attrs.field(default=None, repr=False)
    client_data_json: bytes | None = attrs.field(default=None, repr=False)


@attrs.frozen
class DeviceNonce:
    """A nonce issued for one customer number and device identifier. Stored only as its hash,
    taken (deleted) by its first use, worthless after `expires_at`. `spoken`: the digits the
    customer must say in the voice answer that spends it (domain/spoken_challenge.py)."""

    nonce_hash: str
    customer_number: str
    identifier: str
    expires_at: datetime
    spoken: str | None = None

    def refusal(self, customer_number: str, identifier: str, now: datetime) -> str | None:
        """Why this nonce cannot prove the device now, or None when it can."""
        if now >= self.expires_at:
            return "nonce_expired"
        if (self.customer_number, self.identifier) != (customer_number, identifier):
            return "nonce_for_another_device"
        return None


def hash_nonce(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def signed_message(nonce: str, customer_number: str, identifier: str) -> bytes:
    """The bytes a device signs: the nonce bound to who and which device, one per line."""
    return f"{NONCE_PURPOSE}\n{customer_number}\n{identifier}\n{nonce}".encode()
