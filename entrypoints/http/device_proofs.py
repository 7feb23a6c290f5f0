"""Device keys and proofs arrive as base64 text in JSON; the application gets bytes."""

from __future__ import annotations

import base64
import binascii

from application.context import DeviceInfo
from domain.device_key import DeviceKey, DeviceProof
from domain.errors import ValidationError
from entrypoints.http.schemas import DeviceProofBody, PublicKeyBody

MAX_TEXT = 1024  # a P-256 SPKI is 124 characters of base64, a DER signature at most 96


def _bytes(text: str, field: str) -> bytes:
    try:
        data = base64.b64decode(text, validate=True) if len(text) <= MAX_TEXT else b""
    except (binascii.Error, ValueError):
        data = b""
    if not data:
        raise ValidationError(f"{field} must be non-empty base64 (at most {MAX_TEXT} characters)",
                              field=field)
    return data


def device_key(body: PublicKeyBody | None, field: str = "device.public_key") -> DeviceKey | None:
    return DeviceKey(body.algorithm, _bytes(body.key, f"{field}.key")) if body else None


def device_proof(body: DeviceProofBody | None, field: str = "device.proof") -> DeviceProof | None:
    if body is None:
        return None
    if not 1 <= len(body.nonce) <= 128:
        raise ValidationError(f"{field}.nonce must be the nonce you were given", field=field)
    return DeviceProof(body.nonce, _bytes(body.signature, f"{field}.signature"))


def device_info(identifier: str, fingerprint: str | None, label: str | None,
                platform: str | None, key: PublicKeyBody | None,
                field: str = "device.public_key", proof: DeviceProofBody | None = None
                ) -> DeviceInfo:
    return DeviceInfo(identifier, fingerprint, label, platform, device_key(key, field),
                      device_proof(proof))
