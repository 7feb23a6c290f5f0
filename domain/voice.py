"""Voice biometrics as the bank's rules see them: samples, voiceprints, decisions, limits.
Embeddings are plain tuples of floats; the model that makes them is an adapter's business."""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

import attrs

from domain.errors import ValidationError

Embedding = tuple[float, ...]


class VoiceChannel(enum.StrEnum):
    WIDEBAND = "wideband"  # 16 kHz and up: app microphones
    TELEPHONE = "telephone"  # 8 kHz: calls


@attrs.frozen
class VoiceSample:
    """What the engine extracted from one recording. The audio itself is never kept."""

    embedding: Embedding = attrs.field(repr=False)
    sha256: str
    speech_seconds: float
    channel: VoiceChannel
    model: str
    snr_db: float | None = None  # the speech-to-noise estimate, where the engine measures it


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def normalised_mean(embeddings: Sequence[Embedding]) -> Embedding:
    summed = [sum(column) for column in zip(*embeddings, strict=True)]
    norm = math.sqrt(sum(x * x for x in summed)) or 1.0
    return tuple(x / norm for x in summed)


def check_one_speaker(samples: Sequence[VoiceSample], minimum: float) -> None:
    """Every enrolment sample must sound like the mean of the others: one speaker, not three."""
    for i, sample in enumerate(samples):
        others = normalised_mean([s.embedding for j, s in enumerate(samples) if j != i])
        score = cosine(sample.embedding, others)
        if score < minimum:
            raise ValidationError(
                "the enrolment samples do not sound like one speaker; record them again",
                reason="samples_disagree", sample=i, score=round(score, 3))


@attrs.define(eq=False)
class Voiceprint:
    """A customer's enrolled voice: the normalised mean of the enrolment embeddings."""

    id: UUID
    customer_id: UUID
    device_binding_id: UUID
    embedding: Embedding = attrs.field(repr=False)
    model: str
    sample_hashes: tuple[str, ...]
    created_at: datetime


@attrs.frozen
class VoiceDecision:
    score: float
    threshold: float
    accepted: bool
    reason: str


@attrs.frozen
class VoiceAttemptPolicy:
    """NIST SP 800-63B attempt limits for a biometric."""

    slow_down_after: int = 5
    delay: timedelta = timedelta(seconds=30)
    disable_after: int = 50


@attrs.define(eq=False)
class VoiceAttempts:
    """Consecutive failed voice verifications of one customer."""

    customer_id: UUID
    failures: int = 0
    last_failure_at: datetime | None = None
    disabled: bool = False

    def wait_until(self, policy: VoiceAttemptPolicy) -> datetime | None:
        """After a few failures each further attempt waits a while; None: no wait."""
        if self.failures >= policy.slow_down_after and self.last_failure_at is not None:
            return self.last_failure_at + policy.delay
        return None

    def record(self, accepted: bool, now: datetime, policy: VoiceAttemptPolicy) -> None:
        if accepted:
            self.failures, self.last_failure_at = 0, None
            return
        self.failures += 1
        self.last_failure_at = now
        if self.failures >= policy.disable_after:
            self.disabled = True

    def restore(self) -> None:
        self.failures, self.last_failure_at, self.disabled = 0, None, False
