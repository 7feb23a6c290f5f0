"""Load the voice policy from the calibration file that bench/calibrate_voice.py (raw cosine
thresholds) and bench/calibrate_snorm.py (S-norm thresholds and cohort size) write."""

from __future__ import annotations

import json
from importlib import resources

from adapters.voice.cohort import PackagedCohort
from application.voice_policy import VoicePolicy
from application.voice_scoring import ScoreKind, VoiceScorer
from domain.device import TrustLevel
from domain.voice import VoiceChannel


def calibrated_policy(scoring: ScoreKind = ScoreKind.RAW) -> VoicePolicy:
    """Thresholds per device trust and channel, in the space of `scoring`."""
    raw = json.loads(resources.files("adapters.voice").joinpath("calibration.json").read_text())
    section = raw if scoring is ScoreKind.RAW else raw["snorm"]
    thresholds = {
        (TrustLevel(trust), VoiceChannel(channel)): float(rates[trust]["threshold"])
        for channel, rates in section["channels"].items()
        for trust in ("trusted", "suspicious")
    }
    eer = raw["channels"]["wideband"]["eer_threshold"]  # enrolment consistency: raw cosine
    made = section["made"]
    return VoicePolicy(thresholds=thresholds, enrol_consistency=float(eer),
                       source=f"{raw['model']} {scoring.value} calibrated on {raw['data']} ({made})",
                       scoring=scoring, cohort_top=int(raw.get("snorm", {}).get("top", 100)))


def voice_scorer(policy: VoicePolicy) -> VoiceScorer:
    """The scorer the policy's thresholds were calibrated for (S-norm: the packaged cohort)."""
    if policy.scoring is ScoreKind.RAW:
        return VoiceScorer(ScoreKind.RAW)
    return VoiceScorer(ScoreKind.SNORM, PackagedCohort(policy.cohort_top))
