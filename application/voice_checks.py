"""One voice verification against a customer's voiceprint: attempt limits, replay defence,
liveness, the calibrated threshold; recorded and audited in the caller's transaction."""

from __future__ import annotations

from uuid import UUID

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import Clock, LivenessCheck, UnitOfWork
from application.voice_policy import VoicePolicy
from domain.audit import Outcome
from domain.device import DeviceBinding
from domain.errors import (
    VoiceDisabled,
    VoiceNotEnrolled,
    VoiceReplayDetected,
    VoiceTooSoon,
    VoiceVerificationFailed,
)
from domain.timestamps import rfc3339
from domain.voice import VoiceAttempts, VoiceDecision, VoiceSample, cosine

RECENT_ACCEPTED = 50


class VoiceVerifier:
    def __init__(self, policy: VoicePolicy, liveness: LivenessCheck, clock: Clock,
                 audit: AuditRecorder) -> None:
        self._policy = policy
        self._liveness = liveness
        self._clock = clock
        self._audit = audit

    def check(self, uow: UnitOfWork, binding: DeviceBinding, audio: bytes, sample: VoiceSample,
              context: RequestContext, purpose: str) -> VoiceDecision:
        """Decide and record. Raises before scoring when voice may not be tried now."""
        customer_id = binding.customer_id
        now = self._clock.now()
        attempts = uow.voice.attempts(customer_id) or VoiceAttempts(customer_id)
        if attempts.disabled:
            raise VoiceDisabled("voice is disabled after too many failures; an operator, or a "
                                "re-enrolment with password and UPI PIN, restores it")
        wait = attempts.wait_until(self._policy.attempts)
        if wait is not None and now < wait:
            raise VoiceTooSoon("too many failed voice attempts; wait before trying again",
                               retry_after=max(1, int((wait - now).total_seconds() + 0.999)),
                               not_before=rfc3339(wait))
        voiceprint = uow.voice.voiceprint(customer_id)
        if voiceprint is None:
            raise VoiceNotEnrolled("no voice is enrolled for this customer")
        threshold = self._policy.threshold(binding.trust, sample.channel)
        score = round(cosine(sample.embedding, voiceprint.embedding), 4)
        reason = self._reason(uow, customer_id, audio, sample, score, threshold)
        decision = VoiceDecision(score, threshold, reason == "match", reason)
        attempts.record(decision.accepted, now, self._policy.attempts)
        uow.voice.save_attempts(attempts)
        if reason != "replayed_recording":
            uow.voice.remember(customer_id, sample, decision.accepted, now)
        uow.audit.append(self._audit.event(
            context, f"voice.verify.{purpose}",
            outcome=Outcome.SUCCESS if decision.accepted else Outcome.FAILURE,
            customer_id=customer_id, resource=f"device:{binding.id}", score=score,
            threshold=threshold, reason=reason, channel=sample.channel.value,
            trust=binding.trust.value, failures=attempts.failures))
        if attempts.disabled:
            uow.audit.append(self._audit.event(
                context, "voice.disabled", outcome=Outcome.DENIED, customer_id=customer_id,
                resource=f"customer:{customer_id}"))
        return decision

    def _reason(self, uow: UnitOfWork, customer_id: UUID, audio: bytes, sample: VoiceSample,
                score: float, threshold: float) -> str:
        if uow.voice.seen(customer_id, sample.sha256):
            return "replayed_recording"
        recent = uow.voice.accepted_embeddings(customer_id, RECENT_ACCEPTED)
        if any(cosine(sample.embedding, e) > self._policy.replay_similarity for e in recent):
            return "replayed_embedding"
        if not self._liveness.is_live(audio, sample):
            return "not_live"
        return "match" if score >= threshold else "no_match"


def refusal(decision: VoiceDecision) -> Exception:
    """The error to raise (after committing) for a refused decision."""
    info = {"score": decision.score, "threshold": decision.threshold, "reason": decision.reason}
    if decision.reason.startswith("replayed"):
        return VoiceReplayDetected("this recording was presented before; speak again", **info)
    return VoiceVerificationFailed("the voice did not match", **info)
