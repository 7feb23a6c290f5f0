"""The device of a password login, bound (or seen again) in the login's own transaction."""

from __future__ import annotations

from uuid import UUID

from application.audit import AuditRecorder
from application.context import DeviceInfo, RequestContext
from application.device_possession import DeviceKeyVerifier, DevicePossession
from application.ports import Clock, IdGenerator, UnitOfWork
from domain.audit import Outcome
from domain.device import DeviceBinding, TrustLevel, check_identifier, check_label


class DeviceBinder:
    """Binds the device of a login in the login's own transaction. A new binding keeps the key
    its app sends; an existing one never takes a new key here (a password alone must not
    re-key a device): that is a re-binding with a proof (`ManageDevices.bind`)."""

    def __init__(self, ids: IdGenerator, clock: Clock, audit: AuditRecorder,
                 keys: DeviceKeyVerifier, possession: DevicePossession) -> None:
        self._ids = ids
        self._clock = clock
        self._audit = audit
        self._keys = keys
        self._possession = possession

    def check(self, device: DeviceInfo) -> None:
        """Refuse a device that could never be bound (identifier, label, key): checked before a
        password is, so that a malformed device costs no attempt and tells nothing."""
        check_identifier(device.identifier)
        check_label(device.label)
        if device.key is not None:
            self._keys.accept_key(device.key)

    def on_login(self, uow: UnitOfWork, customer_id: UUID, device: DeviceInfo,
                 context: RequestContext, customer_number: str | None = None) -> DeviceBinding:
        """A first device is trusted (weighed by the fraud screen as a new device for its first
        day: `device_settled`); once a voice is enrolled, a new device is only suspicious
        until a voice verification on it; a revoked device stays revoked. With the customer
        number (a password login), a trusted device with a key that does not sign the login's
        nonce (`device.proof`) becomes suspicious: naming a device must not lend its trust; so
        does a trusted device bound before keys, once a voice is enrolled and keys are required
        (it cannot prove itself; binding it again with a key and a voice sample restores it)."""
        check_identifier(device.identifier)
        check_label(device.label)
        key = self._keys.accept_key(device.key) if device.key is not None else None
        now = self._clock.now()
        binding = uow.devices.by_identifier(customer_id, device.identifier, lock=True)
        if binding is None:
            enrolled = uow.voice.voiceprint(customer_id) is not None
            binding = DeviceBinding(
                id=self._ids.new_id(), customer_id=customer_id, identifier=device.identifier,
                trust=TrustLevel.SUSPICIOUS if enrolled else TrustLevel.TRUSTED, created_at=now,
                last_seen_at=now, fingerprint=device.fingerprint, label=device.label,
                platform=(device.platform or "")[:32] or None, key=key)
            uow.devices.add(binding)
            uow.audit.append(self._audit.event(context, "device.bound", customer_id=customer_id,
                                               resource=f"device:{binding.id}",
                                               trust=binding.trust.value,
                                               key=key.algorithm if key else "none"))
            return binding
        if key is not None and key != binding.key:
            uow.audit.append(self._audit.event(context, "device.key_ignored",
                                               outcome=Outcome.DENIED, customer_id=customer_id,
                                               resource=f"device:{binding.id}"))
        if binding.fingerprint and device.fingerprint and binding.fingerprint != device.fingerprint \
                and binding.trust is TrustLevel.TRUSTED:
            binding.trust = TrustLevel.SUSPICIOUS  # same id, different hardware: be careful
            uow.audit.append(self._audit.event(context, "device.fingerprint_changed",
                                               customer_id=customer_id,
                                               resource=f"device:{binding.id}"))
        if customer_number is not None and binding.trust is TrustLevel.TRUSTED:
            if binding.key is not None:
                reason = self._possession.refusal(uow, customer_number, binding.identifier,
                                                  binding.key, device.proof)
            elif self._possession.keys_required and \
                    uow.voice.voiceprint(customer_id) is not None:
                reason = "device_has_no_key"
            else:  # no voice to protect; it keeps its trust (a known limit, docs/security.md)
                reason = None
            if reason is not None:
                binding.trust = TrustLevel.SUSPICIOUS
                uow.audit.append(self._audit.event(context, "device.unproven",
                                                   outcome=Outcome.DENIED,
                                                   customer_id=customer_id,
                                                   resource=f"device:{binding.id}", reason=reason))
        binding.last_seen_at = now
        uow.devices.update(binding)
        return binding
