"""A customer's device bindings: bound at login, listed, renamed, revoked, bound again."""

from __future__ import annotations

from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import DeviceInfo, RequestContext
from application.ownership import owned
from application.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory, VoiceEngine
from application.voice_checks import VoiceVerifier, refusal
from domain.device import DeviceBinding, TrustLevel, check_identifier, check_label
from domain.errors import DeviceNotFound, DeviceNotTrusted


class DeviceBinder:
    """Binds the device of a login in the login's own transaction."""

    def __init__(self, ids: IdGenerator, clock: Clock, audit: AuditRecorder) -> None:
        self._ids = ids
        self._clock = clock
        self._audit = audit

    def on_login(self, uow: UnitOfWork, customer_id: UUID, device: DeviceInfo,
                 context: RequestContext) -> DeviceBinding:
        """A first device is trusted; once a voice is enrolled, a new device is only suspicious
        until a voice verification on it; a revoked device stays revoked."""
        check_identifier(device.identifier)
        check_label(device.label)
        now = self._clock.now()
        binding = uow.devices.by_identifier(customer_id, device.identifier, lock=True)
        if binding is None:
            enrolled = uow.voice.voiceprint(customer_id) is not None
            binding = DeviceBinding(
                id=self._ids.new_id(), customer_id=customer_id, identifier=device.identifier,
                trust=TrustLevel.SUSPICIOUS if enrolled else TrustLevel.TRUSTED, created_at=now,
                last_seen_at=now, fingerprint=device.fingerprint, label=device.label,
                platform=(device.platform or "")[:32] or None)
            uow.devices.add(binding)
            uow.audit.append(self._audit.event(context, "device.bound", customer_id=customer_id,
                                               resource=f"device:{binding.id}",
                                               trust=binding.trust.value))
            return binding
        if binding.fingerprint and device.fingerprint and binding.fingerprint != device.fingerprint \
                and binding.trust is TrustLevel.TRUSTED:
            binding.trust = TrustLevel.SUSPICIOUS  # same id, different hardware: be careful
            uow.audit.append(self._audit.event(context, "device.fingerprint_changed",
                                               customer_id=customer_id,
                                               resource=f"device:{binding.id}"))
        binding.last_seen_at = now
        uow.devices.update(binding)
        return binding


def owned_device(uow: UnitOfWork, customer_id: UUID, binding_id: UUID,
                 lock: bool = False) -> DeviceBinding:
    return owned(uow.devices.get(binding_id, lock=lock), customer_id,
                 DeviceNotFound("no such device", device_id=str(binding_id)))


class ManageDevices:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, audit: AuditRecorder,
                 binder: DeviceBinder, engine: VoiceEngine, verifier: VoiceVerifier) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._audit = audit
        self._binder = binder
        self._engine = engine
        self._verifier = verifier

    def list(self, customer_id: UUID) -> list[DeviceBinding]:
        with self._uow_factory() as uow:
            return uow.devices.of_customer(customer_id)

    def rename(self, customer_id: UUID, binding_id: UUID, label: str,
               context: RequestContext) -> DeviceBinding:
        check_label(label)
        with self._uow_factory(write=True) as uow:
            binding = owned_device(uow, customer_id, binding_id, lock=True)
            binding.label = label
            uow.devices.update(binding)
            uow.audit.append(self._audit.event(context, "device.renamed", customer_id=customer_id,
                                               resource=f"device:{binding.id}"))
            uow.commit()
            return binding

    def revoke(self, customer_id: UUID, binding_id: UUID, context: RequestContext) -> None:
        with self._uow_factory(write=True) as uow:
            binding = owned_device(uow, customer_id, binding_id, lock=True)
            binding.revoke(self._clock.now())
            uow.devices.update(binding)
            uow.audit.append(self._audit.event(context, "device.revoked", customer_id=customer_id,
                                               resource=f"device:{binding.id}"))
            uow.commit()

    def bind(self, customer_id: UUID, device: DeviceInfo, voice_sample: bytes | None,
             context: RequestContext) -> DeviceBinding:
        """Bind (or bind again) a device. Once a voice is enrolled, full trust for a new or a
        revoked device needs a voice verification against the existing voiceprint."""
        sample = self._engine.analyse(voice_sample) if voice_sample is not None else None
        with self._uow_factory(write=True) as uow:
            existing = uow.devices.by_identifier(customer_id, device.identifier, lock=True)
            enrolled = uow.voice.voiceprint(customer_id) is not None
            if existing is not None and existing.is_revoked and (not enrolled or sample is None):
                raise DeviceNotTrusted("a revoked device can be bound again only with a voice "
                                       "verification against your enrolled voice")
            binding = existing or self._binder.on_login(uow, customer_id, device, context)
            if sample is not None and voice_sample is not None and enrolled:
                probe = binding if not binding.is_revoked else _as_suspicious(binding)
                decision = self._verifier.check(uow, probe, voice_sample, sample, context, "bind")
                if not decision.accepted:
                    uow.commit()  # the failure counts
                    raise refusal(decision)
                binding.trust_fully()
                binding.last_seen_at = self._clock.now()
                uow.devices.update(binding)
                uow.audit.append(self._audit.event(context, "device.trusted",
                                                   customer_id=customer_id,
                                                   resource=f"device:{binding.id}"))
            uow.commit()
            return binding


def _as_suspicious(binding: DeviceBinding) -> DeviceBinding:
    """A revoked device is scored like a suspicious one: the strictest threshold."""
    return attrs.evolve(binding, trust=TrustLevel.SUSPICIOUS)
