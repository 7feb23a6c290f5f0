"""Load the voice policy from the calibration file that bench/calibrate_voice.py writes."""

from __future__ import annotations

import json
from importlib import resources

from application.voice_policy import VoicePolicy
from domain.device import TrustLevel
from domain.voice import VoiceChannel


def calibrated_policy() -> VoicePolicy:
    raw = json.loads(resources.files("adapters.voice").joinpath("calibration.json").read_text())
    thresholds = {
        (TrustLevel(trust), VoiceChannel(channel)): float(rates[trust]["threshold"])
        for channel, rates in raw["channels"].items()
        for trust in ("trusted", "suspicious")
    }
    eer = raw["channels"]["wideband"]["eer_threshold"]
    return VoicePolicy(thresholds=thresholds, enrol_consistency=float(eer),
                       source=f"{raw['model']} calibrated on {raw['data']} ({raw['made']})")
