"""Write adapters/voice/calibration.json from measured error rates on real speech.

Targets follow NIST SP 800-63B: FAR 1:1,000 on a trusted device, 1:10,000 on a suspicious one.
Run: PYTHONPATH=. .venv/bin/python bench/calibrate_voice.py ../shared/voice/dev
(`vaani voice calibrate DIR --target-far 0.001` proposes thresholds without writing them.)"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

from adapters.voice.evaluation import codec_name, embed_all, speakers, trials
from adapters.voice.resemblyzer_engine import MODEL, ResemblyzerVoiceEngine

TARGETS = {"trusted": 1e-3, "suspicious": 1e-4}
OUT = Path(__file__).resolve().parent.parent / "adapters" / "voice" / "calibration.json"


def main(directory: Path) -> None:
    engine = ResemblyzerVoiceEngine()
    files = speakers(directory)
    result: dict[str, object] = {
        "model": MODEL, "data": directory.name, "speakers": sorted(files),
        "made": datetime.date.today().isoformat(), "enrolment": "normalised mean of 3",
        "min_speech_seconds": 2.0, "telephone_codec": codec_name(), "channels": {}}
    channels: dict[str, object] = {}
    for channel, telephone in (("wideband", False), ("telephone", True)):
        measured = trials(embed_all(engine, files, telephone, 2.0, lambda _: None).by_speaker)
        eer, eer_threshold = measured.eer()
        entry: dict[str, object] = {
            "genuine_trials": len(measured.genuine), "impostor_trials": len(measured.impostor),
            "eer": round(eer, 4), "eer_threshold": round(eer_threshold, 4)}
        for trust, far in TARGETS.items():
            threshold = measured.threshold_for(far)
            far_at, frr_at = measured.rates(threshold)
            entry[trust] = {"threshold": threshold, "target_far": far,
                            "measured_far": round(far_at, 6), "measured_frr": round(frr_at, 4)}
        channels[channel] = entry
        print(channel, json.dumps(entry))
    result["channels"] = channels
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/voice/dev"))
