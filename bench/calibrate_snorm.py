"""Ship S-norm: write the impostor cohort (adapters/voice/cohort.npz) and the thresholds in the
normalised score space (the `snorm` section of adapters/voice/calibration.json).

The cohort is every game speaker of COHORT (bench/voice_cohort.py), COHORT_PER_SPEAKER
utterances each, per channel. Thresholds are fitted on the trials of all speakers, development
and game (cohort statistics never include the scored speaker's own voice); the
cross-validated figures of bench/evaluate_snorm.py, which never measure a speaker they were
fitted on, are stored beside them.
Run: PYTHONPATH=. .venv/bin/python bench/calibrate_snorm.py ../shared/voice/dev ../shared/voice/cohort"""

from __future__ import annotations

import datetime
import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from bench.evaluate_snorm import TARGETS, TOP, embeddings, require
from bench.evaluate_snorm import main as cross_validate
from bench.snorm_trials import cohort_of, score, threshold_for

VOICE = Path(__file__).resolve().parent.parent / "adapters" / "voice"


def compact(report: dict[str, Any]) -> dict[str, object]:
    """Errors and trials of each held-out rate (docs/voice.md gives the intervals)."""
    out: dict[str, object] = {"folds": report["folds"], "top": report["top"]}
    for channel in ("wideband", "telephone"):
        out[channel] = {
            name: {rate: [entry[rate]["errors"], entry[rate]["trials"]]
                   for rate in ("far", "frr", "far_dev_speakers", "frr_dev_speakers")}
            for name, entry in report[channel].items()}
    return out


def main(dev_dir: Path, cohort_dir: Path) -> None:
    rows: dict[str, Any] = {}
    channels: dict[str, object] = {}
    speakers: dict[str, int] = {}
    for channel in ("wideband", "telephone"):
        dev = embeddings(dev_dir, channel)
        game = embeddings(cohort_dir, channel)
        by_speaker = {**dev, **game}
        cohort = cohort_of(by_speaker, sorted(game))
        rows[channel] = cohort.embeddings.astype(np.float16)
        scored = score(by_speaker, sorted(by_speaker), cohort, TOP)
        entry: dict[str, object] = {"genuine_trials": len(scored.norm_genuine),
                                    "impostor_trials": len(scored.norm_impostor)}
        for trust, far in TARGETS.items():
            threshold = round(threshold_for(scored.norm_impostor, far), 4)
            entry[trust] = {
                "threshold": threshold, "target_far": far,
                "measured_far": round(float(np.mean(scored.norm_impostor >= threshold)), 6),
                "measured_frr": round(float(np.mean(scored.norm_genuine < threshold)), 4)}
        channels[channel] = entry
        speakers = {"dev": len(dev), "game": len(game)}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **rows)
    (VOICE / "cohort.npz").write_bytes(buffer.getvalue())
    path = VOICE / "calibration.json"
    calibration = json.loads(path.read_text())
    calibration["snorm"] = {
        "made": datetime.date.today().isoformat(), "top": TOP,
        "cohort": f"{speakers['game']} voiced characters of Debian's games "
                  "(flight-of-the-amazon-queen, drascula, drascula-spanish), "
                  f"{len(rows['wideband'])} embeddings per channel",
        "fitted_on": f"{speakers['dev']} development and {speakers['game']} game speakers",
        "channels": channels,
        "cross_validated": compact(cross_validate(dev_dir, cohort_dir))}
    path.write_text(json.dumps(calibration, indent=2) + "\n")
    print(json.dumps(channels, indent=1))


if __name__ == "__main__":
    folders = (Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/voice/dev"),
               Path(sys.argv[2] if len(sys.argv) > 2 else "../shared/voice/cohort"))
    require(*folders)
    main(*folders)
