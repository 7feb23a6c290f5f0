"""A device's key pair as an app holds it, and the proofs it signs: over HTTP (a nonce from
POST /auth/device-challenge) and at the use-case level (IssueDeviceNonce)."""

from __future__ import annotations

import base64
from typing import Any

import httpx2 as httpx
import punq
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from application.use_cases import IssueDeviceNonce
from domain.device_key import DeviceKey, DeviceProof

API = "/api/v1"
_SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class DeviceKeyPair:
    """Ed25519 by default, or ECDSA P-256 ("es256")."""

    def __init__(self, algorithm: str = "ed25519") -> None:
        self.algorithm = algorithm
        self._private: Any = ed25519.Ed25519PrivateKey.generate() if algorithm == "ed25519" \
            else ec.generate_private_key(ec.SECP256R1())

    @property
    def key(self) -> DeviceKey:
        return DeviceKey(self.algorithm, self._private.public_key().public_bytes(*_SPKI))

    def public_key(self) -> dict[str, str]:
        """The `public_key` object of a binding request."""
        return {"algorithm": self.algorithm, "key": b64(self.key.public_key)}

    def sign(self, message: bytes) -> bytes:
        if self.algorithm == "ed25519":
            return bytes(self._private.sign(message))
        return bytes(self._private.sign(message, ec.ECDSA(hashes.SHA256())))

    def proof(self, bank: punq.Container, customer_number: str, identifier: str) -> DeviceProof:
        """A fresh nonce from the bank, signed: what the app sends at the use-case level."""
        issued = bank.resolve(IssueDeviceNonce).execute(customer_number, identifier)
        return DeviceProof(issued.nonce, self.sign(issued.message))

    def http_proof(self, client: httpx.Client, customer_number: str,
                   identifier: str) -> dict[str, str]:
        """A fresh nonce over HTTP, signed: the `proof` object of a request (`client`: a
        TestClient, or an httpx client whose base URL is a live server's)."""
        response = client.post(f"{API}/auth/device-challenge", json={
            "customer_number": customer_number, "device_identifier": identifier})
        assert response.status_code == 201, response.text
        body = response.json()
        return {"nonce": body["nonce"], "signature": b64(self.sign(body["message"].encode()))}
