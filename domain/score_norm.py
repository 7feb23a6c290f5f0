"""Score normalisation against an impostor cohort (adaptive symmetric S-norm).

A raw cosine means different things for different voices: some voiceprints sit close to many
strangers, some recordings (a poor line, a short answer) resemble everyone. S-norm measures
both sides against a cohort of other speakers' embeddings — speakers who are never customers —
and expresses the score in standard deviations above what a stranger would get:

    s_norm = ((s - mu_e) / sigma_e + (s - mu_t) / sigma_t) / 2

with mu and sigma the mean and (population) standard deviation of the `top` highest cosines of
the enrolment voiceprint (e) and of the test recording (t) to the cohort ("adaptive": only the
closest strangers count). Thresholds are then set in this normalised space."""

from __future__ import annotations

import math
from collections.abc import Iterable

import attrs

# A spread this small means a degenerate cohort (identical embeddings); never divide by ~0.
MIN_SPREAD = 1e-6


@attrs.frozen
class CohortStats:
    """How close one embedding sits to its nearest strangers."""

    mean: float
    spread: float

    @classmethod
    def of(cls, cohort_scores: Iterable[float], top: int) -> CohortStats:
        """Mean and population standard deviation of the `top` highest cosines to the cohort."""
        if top < 2:
            raise ValueError("S-norm needs at least the two closest cohort scores")
        ordered = sorted(cohort_scores, reverse=True)[:top]
        if len(ordered) < 2:
            raise ValueError("the cohort holds fewer than two embeddings")
        mean = math.fsum(ordered) / len(ordered)
        variance = math.fsum((x - mean) ** 2 for x in ordered) / len(ordered)
        return cls(mean, max(math.sqrt(variance), MIN_SPREAD))

    def z(self, score: float) -> float:
        return (score - self.mean) / self.spread


def s_norm(score: float, enrolment: CohortStats, test: CohortStats) -> float:
    """The raw cosine `score` normalised symmetrically by both sides' cohort statistics."""
    return (enrolment.z(score) + test.z(score)) / 2
