"""The device of a password login, bound (or seen again) in the login's own transaction."""

from __future__ import annotations

from uuid import UUID

from application.audit import AuditRecorder
from application.context import DeviceInfo, RequestContext
from application.device_possession import DeviceKeyVerifier, DevicePossession
from application.ports import Clock, IdGenerator, UnitOfWork
from application.sessions import end_sessions
from domain.audit import Outcome
from domain.device import DeviceBinding, TrustLevel, check_identifier, check_label
from domain.device_key import DeviceKey


class DeviceBinder:
    """Binds the device of a login in the login's own transaction. A new binding keeps the key
    its app sends; an existing one with a key never takes another here (a password alone must
    not re-key a device), nor does one without a key once a voice is enrolled: that is a
    re-binding with a proof and the voice (`ManageDevices.bind`). A binding without a key of a
    customer without a voice takes one only as a new device is bound (`bind_anew`)."""

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
        does a trusted device bound before keys when keys are required, voice or none (it
        cannot prove itself, and its identifier is listed to every session). While no voice
        is enrolled, a login bringing a key for such a binding binds it anew (`bind_anew`);
        with a voice, binding it again with a key and a voice sample restores it."""
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
        if key is not None and binding.key is None and not binding.is_revoked \
                and uow.voice.voiceprint(customer_id) is None:
            self.bind_anew(uow, binding, key, device, context)
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
            elif self._possession.keys_required:  # a name, which a password thief knows too
                reason = "device_has_no_key"
            else:  # VAANI_DEVICE_KEYS=optional: old bindings work without a proof
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

    def bind_anew(self, uow: UnitOfWork, binding: DeviceBinding, key: DeviceKey,
                  device: DeviceInfo, context: RequestContext, keep: UUID | None = None) -> None:
        """Put `key` on a (locked, non-revoked) binding without one, of a customer without a
        voice (the caller has checked both): a new device under an old name, so it is bound as
        a password binds a new device. It is trusted, weighed as new for its settling day from
        now, and its owner is told (`device.rekeyed` announces `device.new`); the sessions
        started on it before end (but `keep`, the session that sent the key's proof), since
        they named it without the key and must not ride its new trust. A thief doing this
        gains what binding their own phone gives, and the owner hears of it."""
        check_label(device.label)
        now = self._clock.now()
        binding.bind_anew(key, now, device.fingerprint)
        binding.label = device.label or binding.label
        binding.platform = (device.platform or "")[:32] or binding.platform
        uow.devices.update(binding)
        ended = end_sessions(uow, binding.customer_id, now, "device_rekeyed", keep=keep,
                             device=binding.identifier)
        uow.audit.append(self._audit.event(context, "device.rekeyed",
                                           customer_id=binding.customer_id,
                                           resource=f"device:{binding.id}",
                                           trust=binding.trust.value, key=key.algorithm,
                                           sessions_ended=ended))
