"""Enrol a customer's voice from at least three samples, recorded on the trusted device the
voiceprint is bound to and sent from that device's own session."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from application.audit import AuditRecorder
from application.context import RequestContext
from application.password_attempts import PasswordAttempts
from application.ports import Clock, IdGenerator, UnitOfWorkFactory, VoiceEngine
from application.use_cases.devices import owned_device
from application.use_cases.upi_pin import VerifyUpiPin
from application.voice_policy import VoicePolicy
from domain.audit import Outcome
from domain.device import DeviceBinding, TrustLevel
from domain.errors import (
    DeviceNotTrusted,
    PinBlocked,
    PinInvalid,
    PinNotSet,
    Unauthorized,
    ValidationError,
    VoiceReplayDetected,
)
from domain.voice import VoiceAttempts, Voiceprint, check_one_speaker, normalised_mean

WRONG_FACTOR = "the password or the UPI PIN is wrong (or PIN use is blocked)"


class EnrolVoice:
    """The voiceprint is the normalised mean of the samples' embeddings; samples that do not
    agree with each other (two speakers, a recording mix-up) are refused. A voice is enrolled,
    the first time or again, only from the device it is bound to: the request's session must
    have been started on that binding's device (`context.device_id`, from the session, never
    from the body), and the device must be trusted; a password thief's session on another
    device cannot replace the voice. Enrolling again over an existing voiceprint also needs the
    password and a settled UPI PIN (one not just set by that password), and restores a
    disabled voice."""

    def __init__(self, uow_factory: UnitOfWorkFactory, engine: VoiceEngine, policy: VoicePolicy,
                 passwords: PasswordAttempts, pins: VerifyUpiPin, ids: IdGenerator, clock: Clock,
                 audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._engine = engine
        self._policy = policy
        self._passwords = passwords
        self._pins = pins
        self._ids = ids
        self._clock = clock
        self._audit = audit

    def execute(self, customer_id: UUID, binding_id: UUID, recordings: Sequence[bytes],
                context: RequestContext, password: str | None = None,
                pin: str | None = None) -> Voiceprint:
        if not self._policy.min_enrolment_samples <= len(recordings) <= 10:
            raise ValidationError(f"send {self._policy.min_enrolment_samples} to 10 samples",
                                  field="samples")
        self._check_device(customer_id, binding_id, context)  # before any voice work or factor
        samples = [self._engine.analyse(r) for r in recordings]
        if len({s.sha256 for s in samples}) != len(samples):
            raise ValidationError("the same recording was sent twice", field="samples",
                                  reason="duplicate_sample")
        check_one_speaker(samples, self._policy.enrol_consistency)
        with self._uow_factory() as uow:
            enrolled = uow.voice.voiceprint(customer_id) is not None
        if enrolled:  # checked (and counted) before the writer's turn is taken
            self._check_reenrolment(customer_id, password, pin, context)
        with self._uow_factory(write=True) as uow:
            binding = owned_device(uow, customer_id, binding_id, lock=True)  # trusted till commit
            refused = _refusal(binding, context)  # its trust may have changed meanwhile
            if refused is not None:
                raise refused
            existing = uow.voice.voiceprint(customer_id)
            if existing is not None and not enrolled:  # enrolled meanwhile, unchecked
                raise Unauthorized("a voice is already enrolled: enrolling again needs your "
                                   "password and your UPI PIN")
            if any(uow.voice.seen(customer_id, s.sha256) for s in samples):
                raise VoiceReplayDetected("one of these recordings was presented before")
            now = self._clock.now()
            voiceprint = Voiceprint(
                id=self._ids.new_id(), customer_id=customer_id, device_binding_id=binding.id,
                embedding=normalised_mean([s.embedding for s in samples]), model=samples[0].model,
                sample_hashes=tuple(s.sha256 for s in samples), created_at=now)
            uow.voice.save_voiceprint(voiceprint)
            for sample in samples:
                uow.voice.remember(customer_id, sample, True, now)
            uow.voice.save_attempts(VoiceAttempts(customer_id))  # a fresh start
            uow.audit.append(self._audit.event(
                context, "voice.reenrolled" if existing else "voice.enrolled",
                customer_id=customer_id, resource=f"device:{binding.id}", samples=len(samples),
                model=voiceprint.model))
            uow.commit()
            return voiceprint

    def _check_device(self, customer_id: UUID, binding_id: UUID, context: RequestContext) -> None:
        """The binding is the caller's own, is the device the session was started on, and is
        trusted; a request from another device is audited (a password thief's first move)."""
        with self._uow_factory() as uow:
            binding = owned_device(uow, customer_id, binding_id)
        refused = _refusal(binding, context)
        if refused is None:
            return
        if refused.info.get("reason") == "another_device":
            with self._uow_factory(write=True) as uow:
                uow.audit.append(self._audit.event(
                    context, "voice.enrol.refused", outcome=Outcome.DENIED,
                    customer_id=customer_id, resource=f"device:{binding.id}",
                    reason="another_device"))
                uow.commit()
        raise refused

    def _check_reenrolment(self, customer_id: UUID, password: str | None, pin: str | None,
                           context: RequestContext) -> None:
        """The password and then the UPI PIN, each counted by its own attempt counter."""
        if password is None or pin is None:
            raise Unauthorized("a voice is already enrolled: enrolling again needs your password "
                               "and your UPI PIN")
        with self._uow_factory() as uow:
            customer = uow.customers.get(customer_id)
        if customer is None:
            raise Unauthorized("unknown customer")
        checked = self._passwords.check(customer.customer_number, password, context,
                                        action="voice.reenrol.password")
        if checked.customer is None:
            raise Unauthorized(WRONG_FACTOR)
        with self._uow_factory(write=True) as uow:
            self._passwords.record_success(uow, customer.customer_number, checked.attempt)
            uow.commit()
        try:
            self._pins.verify_settled(
                customer_id, pin, context, used_for="to enrol your voice again",
                instead="enrol again with it from")
        except PinNotSet:
            raise Unauthorized("enrolling again needs your UPI PIN; set one first") from None
        except (PinInvalid, PinBlocked):  # one answer: which factor was wrong stays unsaid
            raise Unauthorized(WRONG_FACTOR) from None


def _refusal(binding: DeviceBinding, context: RequestContext) -> DeviceNotTrusted | None:
    """Why this request may not enrol a voice on `binding`, or None."""
    if binding.identifier != context.device_id:
        return DeviceNotTrusted("enrol your voice from the device it will be bound to: sign in "
                                "on that device and enrol there", reason="another_device")
    if binding.trust is not TrustLevel.TRUSTED:
        return DeviceNotTrusted("enrol your voice from a trusted device", reason="not_trusted")
    return None

