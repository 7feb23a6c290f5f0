"""One voice verification against a customer's voiceprint: attempt limits, replay defence,
the spoken challenge (the digits issued with the nonce, heard in the recording), the
calibrated threshold; recorded and audited in the caller's transaction."""

from __future__ import annotations

from uuid import UUID

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import Clock, DigitRecogniser, UnitOfWork
from application.voice_answer import VoiceAnswer
from application.voice_policy import VoicePolicy
from domain.audit import Outcome
from domain.device import DeviceBinding
from domain.errors import (
    SpokenChallengeFailed,
    VoiceDisabled,
    VoiceNotEnrolled,
    VoiceReplayDetected,
    VoiceTooSoon,
    VoiceUnavailable,
    VoiceVerificationFailed,
)
from domain.spoken_challenge import SpokenChallengePolicy, challenge_refusal
from domain.timestamps import rfc3339
from domain.voice import VoiceAttempts, VoiceDecision, cosine

RECENT_ACCEPTED = 50


class VoiceVerifier:
    def __init__(self, policy: VoicePolicy, spoken: SpokenChallengePolicy,
                 recogniser: DigitRecogniser, clock: Clock, audit: AuditRecorder) -> None:
        self._policy = policy
        self._spoken = spoken
        self._recogniser = recogniser
        self._clock = clock
        self._audit = audit

    def check(self, uow: UnitOfWork, binding: DeviceBinding, answer: VoiceAnswer,
              context: RequestContext, purpose: str, expected: str | None) -> VoiceDecision:
        """Decide and record. `expected`: the digits issued with the nonce this answer spent
        (None: none were). Raises before scoring when voice may not be tried now. A refusal
        for a language the recogniser does not hear is no failed attempt: nobody can pass it."""
        customer_id = binding.customer_id
        sample = answer.sample
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
        reason = self._reason(uow, customer_id, answer, expected, score, threshold)
        decision = VoiceDecision(score, threshold, reason == "match", reason)
        if reason != "no_recogniser_for_language":
            attempts.record(decision.accepted, now, self._policy.attempts)
            uow.voice.save_attempts(attempts)
        if reason != "replayed_recording":
            uow.voice.remember(customer_id, sample, decision.accepted, now)
        uow.audit.append(self._audit.event(
            context, f"voice.verify.{purpose}",
            outcome=Outcome.SUCCESS if decision.accepted else Outcome.FAILURE,
            customer_id=customer_id, resource=f"device:{binding.id}", score=score,
            threshold=threshold, reason=reason, channel=sample.channel.value,
            trust=binding.trust.value, failures=attempts.failures,
            challenge="spoken_digits" if self._spoken.required else "off",
            digits_heard=len(answer.heard) if answer.heard is not None else None))
        if attempts.disabled:
            uow.audit.append(self._audit.event(
                context, "voice.disabled", outcome=Outcome.DENIED, customer_id=customer_id,
                resource=f"customer:{customer_id}"))
        return decision

    def _reason(self, uow: UnitOfWork, customer_id: UUID, answer: VoiceAnswer,
                expected: str | None, score: float, threshold: float) -> str:
        sample = answer.sample
        if uow.voice.seen(customer_id, sample.sha256):
            return "replayed_recording"
        if self._spoken.required:
            customer = uow.customers.get(customer_id)
            language = customer.preferred_language if customer is not None else ""
            why = challenge_refusal(expected, answer.heard, language,
                                    self._recogniser.languages)
            if why is not None:
                return why
        recent = uow.voice.accepted_embeddings(customer_id, RECENT_ACCEPTED)
        if any(cosine(sample.embedding, e) > self._policy.replay_similarity for e in recent):
            return "replayed_embedding"
        return "match" if score >= threshold else "no_match"


def refusal(decision: VoiceDecision) -> Exception:
    """The error to raise (after committing) for a refused decision."""
    info = {"score": decision.score, "threshold": decision.threshold, "reason": decision.reason}
    if decision.reason.startswith("replayed"):
        return VoiceReplayDetected("this recording was presented before; speak again", **info)
    if decision.reason == "wrong_digits":
        return SpokenChallengeFailed("the digits heard were not the ones asked for: ask for a "
                                     "new challenge (POST /auth/device-challenge) and say its "
                                     "digits", **info)
    if decision.reason == "challenge_missing":
        return SpokenChallengeFailed("this answer's nonce asked for no digits: ask for a new "
                                     "challenge (POST /auth/device-challenge) and say its "
                                     "digits", **info)
    if decision.reason == "no_recogniser_for_language":
        return VoiceUnavailable("voice answers are not offered in your preferred language "
                                "yet: answer with your UPI PIN or an authenticator code, or "
                                "log in with your password", **info)
    return VoiceVerificationFailed("the voice did not match", **info)
