"""Issue a device nonce: the fresh, single-use, short-lived value a bound device signs."""

from __future__ import annotations

from datetime import datetime

from application.device_possession import DeviceKeyPolicy
from application.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.device import check_identifier
from domain.device_key import DeviceNonce, hash_nonce, signed_message
from domain.errors import ValidationError


class IssueDeviceNonce:
    """Issued for any customer number and device identifier without looking either up, so
    the answer and its cost say nothing about who exists. Only the hash is stored."""

    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 policy: DeviceKeyPolicy) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock
        self._policy = policy

    def execute(self, customer_number: str, identifier: str) -> tuple[str, datetime, bytes]:
        """The nonce, when it expires, and the exact bytes the device must sign."""
        if not (1 <= len(customer_number) <= 64 and customer_number.isprintable()):
            raise ValidationError("customer number must be 1-64 printable characters",
                                  field="customer_number")
        check_identifier(identifier)
        nonce = self._ids.new_secret()
        now = self._clock.now()
        expires_at = now + self._policy.nonce_lifetime
        with self._uow_factory(write=True) as uow:
            uow.devices.drop_expired_nonces(now)
            uow.devices.add_nonce(DeviceNonce(hash_nonce(nonce), customer_number, identifier,
                                              expires_at))
            uow.commit()
        return nonce, expires_at, signed_message(nonce, customer_number, identifier)
