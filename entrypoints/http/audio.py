"""Voice samples arrive as base64 text in JSON."""

from __future__ import annotations

import base64
import binascii

from domain.errors import ValidationError


def audio_bytes(text: str, field: str = "voice_sample") -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(f"{field} must be base64-encoded audio", field=field,
                              reason="not_base64") from None
    if not data:
        raise ValidationError(f"{field} is empty", field=field, reason="not_audio")
    return data
