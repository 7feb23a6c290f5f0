"""A customer's device bindings: bound at login, listed, renamed, revoked, bound again; the
public key an app registers at binding, which later proves the device is held."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import DeviceInfo, RequestContext
from application.device_possession import (
    DeviceKeyVerifier,
    DevicePossession,
    Possession,
    not_proven,
)
from application.ownership import owned
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.second_factor import SecondFactorCheck
from application.sessions import end_sessions
from application.use_cases.device_binder import DeviceBinder
from application.voice_answer import VoiceListener
from application.voice_checks import VoiceVerifier, refusal
from domain.audit import Outcome
from domain.device import DeviceBinding, TrustLevel, check_identifier, check_label
from domain.device_key import DeviceKey, DeviceProof
from domain.errors import DeviceNotFound, DeviceNotTrusted


def revoke_binding(uow: UnitOfWork, binding: DeviceBinding, now: datetime) -> int:
    """Revoke the (locked) binding and end, in the same transaction, every active session of
    the customer's started on it: a phone the customer disowns is cut off at once, its refresh
    tokens too, not when its sessions expire. A session started on it later (a password login
    naming it) is allowed, and screened as the revoked device it comes from. Answers how many
    sessions ended."""
    binding.revoke(now)
    uow.devices.update(binding)
    return end_sessions(uow, binding.customer_id, now, "device_revoked",
                        device=binding.identifier)


def owned_device(uow: UnitOfWork, customer_id: UUID, binding_id: UUID,
                 lock: bool = False) -> DeviceBinding:
    return owned(uow.devices.get(binding_id, lock=lock), customer_id,
                 DeviceNotFound("no such device", device_id=str(binding_id)))


class ManageDevices:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, audit: AuditRecorder,
                 binder: DeviceBinder, listener: VoiceListener, verifier: VoiceVerifier,
                 keys: DeviceKeyVerifier, possession: DevicePossession,
                 second_factor: SecondFactorCheck) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._audit = audit
        self._binder = binder
        self._listener = listener
        self._verifier = verifier
        self._keys = keys
        self._possession = possession
        self._second_factor = second_factor

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
            ended = revoke_binding(uow, binding, self._clock.now())
            uow.audit.append(self._audit.event(context, "device.revoked", customer_id=customer_id,
                                               resource=f"device:{binding.id}",
                                               sessions_ended=ended))
            uow.commit()

    def bind(self, customer_id: UUID, device: DeviceInfo, voice_sample: bytes | None,
             context: RequestContext, proof: DeviceProof | None = None,
             totp: str | None = None, session_id: UUID | None = None) -> DeviceBinding:
        """Bind (or bind again) a device. Once a voice is enrolled, full trust for a new or a
        revoked device needs a voice verification against the existing voiceprint. A voice
        re-binding, and a key put on an existing binding, first need the device's proof (by
        its key, or by the new key where it has none or is revoked), before any voice work.
        An authenticator code (`totp`) is checked before the voice; it stands in for the
        spoken digits in a language no recogniser hears, where configuration allows. While no
        voice is enrolled, a proven key put on a binding without one binds it anew, as a new
        device (`DeviceBinder.bind_anew`): its old trust and age are not the key's, and the
        sessions started on it end but the caller's own (`session_id`), which sent the proof."""
        check_identifier(device.identifier)
        offered = self._keys.accept_key(device.key) if device.key is not None else None
        proven = self._prove(customer_id, device.identifier, offered, proof,
                             voice_sample is not None, context) \
            if voice_sample is not None or offered is not None else None
        coded = totp is not None and self._check_code(customer_id, totp, context)
        answer = self._listener.listen(voice_sample) if voice_sample is not None else None
        with self._uow_factory(write=True) as uow:
            existing = uow.devices.by_identifier(customer_id, device.identifier, lock=True)
            enrolled = uow.voice.voiceprint(customer_id) is not None
            if existing is not None and existing.is_revoked and (not enrolled or answer is None):
                raise DeviceNotTrusted("a revoked device can be bound again only with a voice "
                                       "verification against your enrolled voice")
            rekey = offered is not None and existing is not None and \
                (existing.key is None or existing.is_revoked) and existing.key != offered
            if rekey and proven is None:  # bound by someone else since _prove looked
                raise not_proven("device_proof_missing")
            if rekey and enrolled and existing is not None and not existing.is_revoked \
                    and answer is None:
                # A key proves only that the sender holds the key it sends: on a binding made
                # before keys, it must not inherit the binding's trust without the voice.
                raise DeviceNotTrusted("adding a key to a device bound before keys needs a voice "
                                       "verification (voice_sample) against your enrolled voice",
                                       reason="voice_needed_to_add_key")
            binding = existing or self._binder.on_login(
                uow, customer_id, attrs.evolve(device, key=offered), context)
            if answer is not None and enrolled:
                probe = binding if not binding.is_revoked else _as_suspicious(binding)
                decision = self._verifier.check(uow, probe, answer, context, "bind",
                                                proven.spoken if proven else None,
                                                second_factor=coded)
                if not decision.accepted:
                    uow.commit()  # the failure counts
                    raise refusal(decision)
                binding.trust_fully()
                binding.last_seen_at = self._clock.now()
                uow.devices.update(binding)
                uow.audit.append(self._audit.event(context, "device.trusted",
                                                   customer_id=customer_id,
                                                   resource=f"device:{binding.id}"))
            if rekey and offered is not None and not enrolled:
                self._binder.bind_anew(uow, binding, offered, device, context, session_id)
            elif rekey and offered is not None:
                binding.key = offered
                uow.devices.update(binding)
                uow.audit.append(self._audit.event(context, "device.key_registered",
                                                   customer_id=customer_id,
                                                   resource=f"device:{binding.id}",
                                                   key=offered.algorithm))
            uow.commit()
            return binding

    def _check_code(self, customer_id: UUID, code: str, context: RequestContext) -> bool:
        """True once the code passed; raises for a wrong, spent or unconfigured one."""
        with self._uow_factory() as uow:
            customer = uow.customers.get(customer_id)
        if customer is None:
            return False
        self._second_factor.verify(customer, context, code=code, action="device.bind.totp")
        return True

    def _prove(self, customer_id: UUID, identifier: str, offered: DeviceKey | None,
               proof: DeviceProof | None, by_voice: bool,
               context: RequestContext) -> Possession | None:
        """Spend the nonce and check the proof in a committed transaction of its own; None
        when none was needed (a first binding registers its key without one)."""
        with self._uow_factory(write=True) as uow:
            customer = uow.customers.get(customer_id)
            existing = uow.devices.by_identifier(customer_id, identifier)
            held = existing.key if existing is not None and not existing.is_revoked else None
            if existing is None and not by_voice:
                return None
            if held is not None and offered is not None and offered != held:
                proven = Possession("another_key_bound")
            else:  # a revoked device proves its new key, or else its old one
                key = held or offered or (existing.key if existing is not None else None)
                proven = self._possession.check(
                    uow, customer.customer_number if customer else "", identifier, key, proof)
            reason = proven.reason
            if reason is not None:
                uow.audit.append(self._audit.event(
                    context, "device.proof", outcome=Outcome.FAILURE, customer_id=customer_id,
                    resource=f"device:{existing.id if existing else identifier}",
                    reason=reason))
            uow.commit()
        if reason is not None:
            raise not_proven(reason)
        return proven


def _as_suspicious(binding: DeviceBinding) -> DeviceBinding:
    """A revoked device is scored like a suspicious one: the strictest threshold."""
    return attrs.evolve(binding, trust=TrustLevel.SUSPICIOUS)
