"""Proof that the caller holds a bound device: a signature, by the key registered at binding,
over a fresh single-use nonce. Checked before any voice work, because the speaker model is
the expensive part and because a voice is only ever a second factor to a device."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

import attrs

from application.ports import Clock, UnitOfWork
from domain.device_key import DeviceKey, DeviceProof, hash_nonce, signed_message
from domain.errors import DeviceNotTrusted

# RFC 8032's second test key: checked against when a device has no key, so that a missing
# key costs the same verification as a wrong one; its answer is never trusted.
_DECOY = DeviceKey("ed25519", bytes.fromhex(
    "302a300506032b65700321003d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"))


class DeviceKeyVerifier(Protocol):
    """Checks keys and proofs of one or more kinds: raw Ed25519 / ECDSA P-256 signatures
    today; a WebAuthn adapter can answer for the "webauthn" algorithm through the same port."""

    def accept_key(self, key: DeviceKey) -> DeviceKey:
        """The key in its stored form; raises ValidationError for an unknown algorithm or a
        malformed key."""
        ...

    def verify(self, key: DeviceKey, message: bytes, proof: DeviceProof) -> bool:
        """True only when `proof` is a valid signature by `key` over `message` (for WebAuthn:
        an assertion whose challenge is `message`). Never raises for a bad proof."""
        ...


@attrs.frozen
class DeviceKeyPolicy:
    """`required`: a binding without a key can no longer be used for voice login, voice
    re-binding or voice challenge answers (VAANI_DEVICE_KEYS=required, the default);
    `optional` lets such old bindings work without a proof until they are re-bound."""

    required: bool = True
    nonce_lifetime: timedelta = timedelta(minutes=2)


@attrs.frozen
class Possession:
    """A device proof's outcome: `reason` it was refused (None: proven), and `spoken`, the
    digits the nonce it spent asked the voice answer to say (None: none were asked)."""

    reason: str | None
    spoken: str | None = None


class DevicePossession:
    """Consumes a proof's nonce and verifies its signature, in the caller's transaction (which
    must commit even on refusal, so the nonce stays spent)."""

    def __init__(self, verifier: DeviceKeyVerifier, clock: Clock, policy: DeviceKeyPolicy) -> None:
        self._verifier = verifier
        self._clock = clock
        self._policy = policy

    @property
    def keys_required(self) -> bool:
        return self._policy.required

    def refusal(self, uow: UnitOfWork, customer_number: str, identifier: str,
                key: DeviceKey | None, proof: DeviceProof | None) -> str | None:
        """Why the device is not proven (for the audit trail), or None when it is."""
        return self.check(uow, customer_number, identifier, key, proof).reason

    def check(self, uow: UnitOfWork, customer_number: str, identifier: str,
              key: DeviceKey | None, proof: DeviceProof | None) -> Possession:
        """Spend the proof's nonce and check its signature. A wrong, missing or decoy key all
        cost one nonce take and one signature check."""
        if key is None and not self._policy.required:
            if proof is not None:  # spent alike, so a spent nonce tells nothing of the device
                taken = uow.devices.take_nonce(hash_nonce(proof.nonce))
                usable = taken is not None and taken.refusal(
                    customer_number, identifier, self._clock.now()) is None
                return Possession(None, taken.spoken if usable and taken else None)
            return Possession(None)  # an old binding without a key, allowed by configuration
        if proof is None:
            return Possession("device_proof_missing")
        nonce = uow.devices.take_nonce(hash_nonce(proof.nonce))
        message = signed_message(proof.nonce, customer_number, identifier)
        signed = self._verifier.verify(key or _DECOY, message, proof)
        if nonce is None:
            return Possession("nonce_unknown_or_used")
        why = nonce.refusal(customer_number, identifier, self._clock.now())
        if why is not None:
            return Possession(why)
        if key is None:
            return Possession("device_has_no_key")
        return Possession(None if signed else "bad_signature", nonce.spoken)


def not_proven(reason: str) -> DeviceNotTrusted:
    """The error for a device that did not prove possession, saying what would."""
    if reason == "another_key_bound":
        return DeviceNotTrusted("this device is bound with another key; revoke it and bind it "
                                "again", reason=reason)
    if reason in ("device_proof_missing", "device_has_no_key"):
        return DeviceNotTrusted(
            "prove the device: sign a nonce from POST /auth/device-challenge with the key "
            "registered at binding (bind with a public_key to register one); bindings without "
            "a key are accepted only with VAANI_DEVICE_KEYS=optional", reason=reason)
    return DeviceNotTrusted("the device proof was not accepted; ask for a new nonce and sign "
                            "it with the device's key", reason=reason)
