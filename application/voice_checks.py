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
from application.voice_scoring import VoiceScorer
from domain.audit import Outcome
from domain.device import DeviceBinding
from domain.errors import (
    SecondFactorRequired,
    SpokenChallengeFailed,
    VoiceDisabled,
    VoiceNotEnrolled,
    VoiceReplayDetected,
    VoiceTooSoon,
    VoiceUnavailable,
    VoiceVerificationFailed,
)
from domain.spoken_challenge import (
    UNCOUNTED,
    SpokenChallengePolicy,
    UnheardLanguage,
    challenge_refusal,
    unheard_by,
)
from domain.timestamps import rfc3339
from domain.voice import VoiceAttempts, VoiceDecision, cosine

RECENT_ACCEPTED = 50


class VoiceVerifier:
    def __init__(self, policy: VoicePolicy, spoken: SpokenChallengePolicy,
                 recogniser: DigitRecogniser, clock: Clock, audit: AuditRecorder,
                 scorer: VoiceScorer) -> None:
        self._policy = policy
        self._scorer = scorer
        self._spoken = spoken
        self._recogniser = recogniser
        self._clock = clock
        self._audit = audit

    def check(self, uow: UnitOfWork, binding: DeviceBinding, answer: VoiceAnswer,
              context: RequestContext, purpose: str, expected: str | None,
              second_factor: bool = False) -> VoiceDecision:
        """Decide and record. `expected`: the digits issued with the nonce this answer spent
        (None: none were); `second_factor`: an authenticator code was checked in this request
        (it stands in for digits no recogniser hears, where configuration allows). Raises
        before scoring when voice may not be tried now. A refusal nobody could have passed as
        asked (UNCOUNTED) is no failed attempt."""
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
        score = round(self._scorer.score(sample.embedding, voiceprint.embedding,
                                         sample.channel), 4)
        reason, challenge = self._reason(uow, customer_id, answer, expected, score, threshold,
                                         second_factor)
        decision = VoiceDecision(score, threshold, reason == "match", reason)
        if reason not in UNCOUNTED:
            attempts.record(decision.accepted, now, self._policy.attempts)
            uow.voice.save_attempts(attempts)
        if reason != "replayed_recording":
            uow.voice.remember(customer_id, sample, decision.accepted, now)
        uow.audit.append(self._audit.event(
            context, f"voice.verify.{purpose}",
            outcome=Outcome.SUCCESS if decision.accepted else Outcome.FAILURE,
            customer_id=customer_id, resource=f"device:{binding.id}", score=score,
            threshold=threshold, scoring=self._scorer.kind.value, reason=reason,
            channel=sample.channel.value,
            trust=binding.trust.value, failures=attempts.failures,
            challenge=challenge,
            digits_heard=len(answer.heard) if answer.heard is not None else None,
            snr_db=sample.snr_db))
        if attempts.disabled:
            uow.audit.append(self._audit.event(
                context, "voice.disabled", outcome=Outcome.DENIED, customer_id=customer_id,
                resource=f"customer:{customer_id}"))
        return decision

    def _reason(self, uow: UnitOfWork, customer_id: UUID, answer: VoiceAnswer,
                expected: str | None, score: float, threshold: float,
                second_factor: bool) -> tuple[str, str]:
        """The decision's reason, and what proved presence (`spoken_digits`, `second_factor`
        or `off`) for the audit record."""
        sample = answer.sample
        challenge, because = "off", None
        if self._spoken.required:
            customer = uow.customers.get(customer_id)
            language = customer.preferred_language if customer is not None else ""
            because = unheard_by(language, self._recogniser.languages, sample.channel,
                                 self._recogniser.channels)
            challenge = "spoken_digits" if because is None else (
                "second_factor" if because == "language"
                and self._spoken.unheard is UnheardLanguage.SECOND_FACTOR
                else f"unheard_{because}")
        if uow.voice.seen(customer_id, sample.sha256):
            return "replayed_recording", challenge
        if self._spoken.required:
            why = challenge_refusal(expected, answer.heard, because, self._spoken.unheard,
                                    second_factor)
            if why is not None:
                return why, challenge
        recent = uow.voice.accepted_embeddings(customer_id, RECENT_ACCEPTED)
        if any(cosine(sample.embedding, e) > self._policy.replay_similarity for e in recent):
            return "replayed_embedding", challenge
        return ("match" if score >= threshold else "no_match"), challenge


def unheard_refusal(decision: VoiceDecision) -> Exception:
    """Voice alone cannot be heard out in the customer's language or over the recording's
    channel: what they can answer with."""
    where = ("over a telephone line" if decision.reason == "no_recogniser_for_channel"
             else "in your preferred language")
    return VoiceUnavailable(f"voice answers are not offered {where} yet: answer with your UPI "
                            "PIN or an authenticator code, or log in with your password",
                            reason=decision.reason)


def refusal(decision: VoiceDecision) -> Exception:
    """The error to raise (after committing) for a refused decision. Only a voice that did
    not match is told its score: every such answer is a counted attempt, so the score cannot
    be probed without the lockout (a refusal that counts as none says nothing of the voice)."""
    info: dict[str, object] = {"reason": decision.reason}
    if decision.reason == "no_match":
        info |= {"score": decision.score, "threshold": decision.threshold}
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
    if decision.reason in ("no_recogniser_for_language", "no_recogniser_for_channel"):
        return unheard_refusal(decision)
    if decision.reason == "second_factor_required":
        return SecondFactorRequired("voice answers in your preferred language need a code from "
                                    "your authenticator beside them: send it as `totp` with the "
                                    "voice sample", **info)
    return VoiceVerificationFailed("the voice did not match", **info)
