"""The score a voice decision compares with its threshold: the raw cosine between recording
and voiceprint, or that cosine S-normalised against an impostor cohort (domain/score_norm.py),
as the calibration chose. Thresholds live in the same space as the score (VoicePolicy)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Protocol

from domain.score_norm import CohortStats, s_norm
from domain.voice import Embedding, VoiceChannel, cosine


class ScoreKind(enum.StrEnum):
    RAW = "raw"  # cosine similarity, in [-1, 1]
    SNORM = "snorm"  # adaptive symmetric S-norm: standard deviations above the cohort


class ScoreCohort(Protocol):
    """Embeddings of speakers who are never customers, per channel: what a stranger scores."""

    top: int  # how many of the closest cohort scores count (adaptive S-norm)

    def scores(self, embedding: Embedding, channel: VoiceChannel) -> Sequence[float]:
        """Cosines of `embedding` to every cohort embedding recorded on `channel`."""
        ...


class VoiceScorer:
    def __init__(self, kind: ScoreKind, cohort: ScoreCohort | None = None) -> None:
        if kind is ScoreKind.SNORM and cohort is None:
            raise ValueError("S-norm scoring needs an impostor cohort")
        self.kind = kind
        self._cohort = cohort

    def score(self, test: Embedding, voiceprint: Embedding, channel: VoiceChannel) -> float:
        raw = cosine(test, voiceprint)
        if self.kind is ScoreKind.RAW or self._cohort is None:
            return raw
        top = self._cohort.top
        enrolment = CohortStats.of(self._cohort.scores(voiceprint, channel), top)
        recording = CohortStats.of(self._cohort.scores(test, channel), top)
        return s_norm(raw, enrolment, recording)
