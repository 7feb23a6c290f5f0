"""Device keys checked with `cryptography`: Ed25519, and ECDSA P-256 with SHA-256 ("es256").
Keys arrive as SubjectPublicKeyInfo DER (WebCrypto "spki", Android getEncoded()) or raw (32
bytes Ed25519; a 65-byte uncompressed P-256 point, as iOS exports it); they are stored as DER.
ES256 signatures may be DER or raw r||s (64 bytes, as WebCrypto makes them)."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from domain.device_key import DeviceKey, DeviceProof
from domain.errors import ValidationError

ALGORITHMS = ("ed25519", "es256")
_SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _bad_key(why: str) -> ValidationError:
    return ValidationError(f"device public key: {why}", field="device.public_key")


def _load(key: DeviceKey) -> ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey:
    raw = key.public_key
    if key.algorithm == "ed25519":
        loaded = (ed25519.Ed25519PublicKey.from_public_bytes(raw) if len(raw) == 32
                  else serialization.load_der_public_key(raw))
        if not isinstance(loaded, ed25519.Ed25519PublicKey):
            raise _bad_key("not an Ed25519 key")
        return loaded
    loaded = (ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
              if len(raw) == 65 else serialization.load_der_public_key(raw))
    if not isinstance(loaded, ec.EllipticCurvePublicKey) or \
            not isinstance(loaded.curve, ec.SECP256R1):
        raise _bad_key("not an ECDSA P-256 key")
    return loaded


class SignatureKeyVerifier:
    """The DeviceKeyVerifier for keys that sign the nonce's message directly."""

    def accept_key(self, key: DeviceKey) -> DeviceKey:
        if key.algorithm not in ALGORITHMS:
            raise _bad_key(f"algorithm must be one of {', '.join(ALGORITHMS)}")
        if not 32 <= len(key.public_key) <= 512:
            raise _bad_key("wrong length")
        try:
            loaded = _load(key)
        except (ValueError, UnsupportedAlgorithm):
            raise _bad_key("not a valid key (SubjectPublicKeyInfo DER or raw)") from None
        return DeviceKey(key.algorithm, loaded.public_bytes(*_SPKI))

    def verify(self, key: DeviceKey, message: bytes, proof: DeviceProof) -> bool:
        try:
            loaded = _load(key)
            if isinstance(loaded, ed25519.Ed25519PublicKey):
                loaded.verify(proof.signature, message)
                return True
            signature = proof.signature
            if len(signature) == 64:  # raw r||s
                signature = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                                 int.from_bytes(signature[32:], "big"))
            loaded.verify(signature, message, ec.ECDSA(hashes.SHA256()))
            return True
        except (InvalidSignature, ValueError, UnsupportedAlgorithm, ValidationError):
            return False
