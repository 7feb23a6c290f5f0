"""Issue a device nonce: the fresh, single-use, short-lived value a bound device signs, and
the digits its voice answer must say (a spoken challenge, when the bank asks for them)."""

from __future__ import annotations

from datetime import datetime

import attrs

from application.device_possession import DeviceKeyPolicy
from application.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.device import check_identifier
from domain.device_key import DeviceNonce, hash_nonce, signed_message
from domain.errors import ValidationError
from domain.spoken_challenge import SpokenChallengePolicy


@attrs.frozen
class IssuedNonce:
    """The nonce, when it expires, the exact bytes the device must sign, and the digits a
    voice answer spending it must say (None when the bank asks for none)."""

    nonce: str
    expires_at: datetime
    message: bytes
    spoken: str | None


class IssueDeviceNonce:
    """Issued for any customer number and device identifier without looking either up, so
    the answer and its cost say nothing about who exists. Only the nonce's hash is stored;
    the digits are stored as they are, to compare with what is heard, and die with it."""

    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 policy: DeviceKeyPolicy, spoken: SpokenChallengePolicy) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock
        self._policy = policy
        self._spoken = spoken

    def execute(self, customer_number: str, identifier: str) -> IssuedNonce:
        if not (1 <= len(customer_number) <= 64 and customer_number.isprintable()):
            raise ValidationError("customer number must be 1-64 printable characters",
                                  field="customer_number")
        check_identifier(identifier)
        nonce = self._ids.new_secret()
        now = self._clock.now()
        expires_at = now + self._policy.nonce_lifetime
        digits = self._ids.new_digits(self._spoken.digits) if self._spoken.required else None
        with self._uow_factory(write=True) as uow:
            uow.devices.drop_expired_nonces(now)
            uow.devices.add_nonce(DeviceNonce(hash_nonce(nonce), customer_number, identifier,
                                              expires_at, digits))
            uow.commit()
        return IssuedNonce(nonce, expires_at, signed_message(nonce, customer_number, identifier),
                           digits)
