"""S-norm arithmetic: the domain's scalar form, the evaluation's matrix form, and the packaged
cohort they normalise against."""

from __future__ import annotations

import numpy as np
import pytest

from adapters.voice.calibration import calibrated_policy, voice_scorer
from adapters.voice.cohort import PackagedCohort
from application.voice_scoring import ScoreKind, VoiceScorer
from bench.snorm_trials import Cohort, cohort_stats
from domain.device import TrustLevel
from domain.score_norm import CohortStats, s_norm
from domain.voice import VoiceChannel


def test_stats_take_only_the_closest_cohort_scores() -> None:
    stats = CohortStats.of([0.9, 0.1, 0.5, 0.7, -0.2], top=3)
    assert stats.mean == pytest.approx(0.7)
    assert stats.spread == pytest.approx(np.std([0.9, 0.7, 0.5]))


def test_the_normalised_score_is_the_mean_of_both_sides_z_scores() -> None:
    enrolment, test = CohortStats(0.2, 0.1), CohortStats(0.4, 0.05)
    assert s_norm(0.8, enrolment, test) == pytest.approx(((0.8 - 0.2) / 0.1 + (0.8 - 0.4) / 0.05) / 2)


def test_a_degenerate_cohort_never_divides_by_zero() -> None:
    stats = CohortStats.of([0.3, 0.3, 0.3], top=3)
    assert stats.spread > 0 and stats.z(0.3) == 0.0
    with pytest.raises(ValueError, match="two"):
        CohortStats.of([0.3], top=3)


def test_the_evaluation_normalises_as_the_bank_does() -> None:
    rng = np.random.default_rng(7)
    rows = rng.standard_normal((40, 256)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    x = rows[:3] + 0.1 * rng.standard_normal((3, 256)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    cohort = Cohort(rows, np.asarray([f"s{i // 4}" for i in range(40)]))
    mean, spread = cohort_stats(x, np.asarray(["nobody"] * 3), cohort, top=10)
    for i in range(3):
        scalar = CohortStats.of((rows @ x[i]).tolist(), top=10)
        assert mean[i] == pytest.approx(scalar.mean, abs=1e-5)
        assert spread[i] == pytest.approx(scalar.spread, abs=1e-5)


def test_the_scored_speakers_own_voice_never_counts_in_their_cohort() -> None:
    rows = np.eye(4, dtype=np.float32)
    cohort = Cohort(rows, np.asarray(["a", "a", "b", "c"]))  # by source
    mean, _ = cohort_stats(rows[:1], np.asarray(["a"]), cohort, top=2)
    assert mean[0] == pytest.approx(0.0)  # only b and c: the two rows of a are left out


def test_the_packaged_cohort_and_its_thresholds_ship_together() -> None:
    policy = calibrated_policy(ScoreKind.SNORM)
    cohort = PackagedCohort(policy.cohort_top)
    for channel in VoiceChannel:
        assert cohort.size(channel) > 4 * policy.cohort_top  # many more strangers than counted
        assert policy.threshold(TrustLevel.SUSPICIOUS, channel) > policy.threshold(
            TrustLevel.TRUSTED, channel)
    assert voice_scorer(policy).kind is ScoreKind.SNORM
    assert voice_scorer(calibrated_policy()).kind is ScoreKind.RAW


def test_snorm_needs_a_cohort() -> None:
    with pytest.raises(ValueError, match="cohort"):
        VoiceScorer(ScoreKind.SNORM)
