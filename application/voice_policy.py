"""How sure the bank must be of a voice: thresholds per device trust and audio channel,
calibrated from measured error rates (bench/calibrate_voice.py), never guessed."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from application.voice_scoring import ScoreKind
from domain.device import TrustLevel
from domain.errors import DeviceNotTrusted
from domain.voice import VoiceAttemptPolicy, VoiceChannel


@attrs.frozen
class VoicePolicy:
    thresholds: Mapping[tuple[TrustLevel, VoiceChannel], float]  # in the `scoring` space
    # An enrolment sample must match the mean of the others at least this well (one speaker).
    enrol_consistency: float = 0.75
    # An embedding this close to an earlier accepted one is a replayed recording, not a new one.
    replay_similarity: float = 0.995
    min_enrolment_samples: int = 3
    attempts: VoiceAttemptPolicy = attrs.Factory(VoiceAttemptPolicy)
    source: str = "calibration"
    scoring: ScoreKind = ScoreKind.RAW  # raw cosine, or S-norm against an impostor cohort
    cohort_top: int = 100  # S-norm: how many of the closest cohort scores count

    def threshold(self, trust: TrustLevel, channel: VoiceChannel) -> float:
        if trust is TrustLevel.REVOKED:
            raise DeviceNotTrusted("this device is revoked; bind it again first")
        return self.thresholds[(trust, channel)]
