"""Device bindings: the phones and browsers a customer uses, and how far the bank trusts each.
A voice is only ever a second factor bound to one of these (NIST SP 800-63B)."""

from __future__ import annotations

import enum
import re
from datetime import datetime
from uuid import UUID

import attrs

from domain.device_key import DeviceKey
from domain.errors import ValidationError

_IDENTIFIER = re.compile(r"[A-Za-z0-9._:\-]{4,128}")


class TrustLevel(enum.StrEnum):
    TRUSTED = "trusted"
    SUSPICIOUS = "suspicious"
    REVOKED = "revoked"


def check_identifier(identifier: str) -> None:
    if not _IDENTIFIER.fullmatch(identifier):
        raise ValidationError("device identifier must be 4-128 letters, digits or . _ : -",
                              field="device.identifier")


def check_label(label: str | None) -> None:
    if label is not None and not (1 <= len(label) <= 64 and label.isprintable()):
        raise ValidationError("device label must be 1-64 printable characters", field="label")


@attrs.define(eq=False)
class DeviceBinding:
    id: UUID
    customer_id: UUID
    identifier: str
    trust: TrustLevel
    created_at: datetime
    last_seen_at: datetime
    fingerprint: str | None = None
    label: str | None = None
    platform: str | None = None
    revoked_at: datetime | None = None
    key: DeviceKey | None = None  # registered at binding; proves possession (device_key.py)

    @property
    def is_revoked(self) -> bool:
        return self.trust is TrustLevel.REVOKED

    def revoke(self, now: datetime) -> None:
        self.trust = TrustLevel.REVOKED
        self.revoked_at = now

    def bind_anew(self, key: DeviceKey, now: datetime, fingerprint: str | None) -> None:
        """A binding without a key takes one as a new device is bound (while no voice is
        enrolled): trusted, and bound from `now`, so its settling day starts again. The key,
        not the name, is the device: what the binding was before it proves nothing of it."""
        self.key = key
        self.trust = TrustLevel.TRUSTED
        self.revoked_at = None
        self.created_at = now
        self.last_seen_at = now
        self.fingerprint = fingerprint

    def trust_fully(self) -> None:
        """After a voice verification against the customer's voiceprint on this device."""
        self.trust = TrustLevel.TRUSTED
        self.revoked_at = None
