"""Who is asking and from where: carried into every audit record."""

from __future__ import annotations

from uuid import UUID

import attrs

from domain.device_key import DeviceKey, DeviceProof


@attrs.frozen
class RequestContext:
    """The caller of a use case. `actor_id` is None for the system itself (seeding, cron)."""

    actor_id: UUID | None = None
    ip: str | None = None
    device_id: str | None = None
    request_id: str | None = None


SYSTEM = RequestContext()


@attrs.frozen
class DeviceInfo:
    """The device a request comes from, as the app describes it."""

    identifier: str
    fingerprint: str | None = None
    label: str | None = None
    platform: str | None = None
    key: DeviceKey | None = None  # the public key the app registers, as sent
    proof: DeviceProof | None = None  # its signature over a fresh nonce (device_key.py)
