"""Calibrate the voice decision thresholds from measured error rates on real speech.

For every speaker, voiceprints are enrolled from disjoint triples of utterances (normalised mean,
as the bank enrols) and scored against that speaker's remaining utterances (genuine trials) and
every other speaker's utterances (impostor trials), wideband (16 kHz) and telephone (the same
speech through 8 kHz). The threshold of each (device trust, channel) is the smallest that keeps
the measured false-accept rate at or under its target; targets follow NIST SP 800-63B:
1:1,000 for a trusted device, 1:10,000 for a suspicious one (bounded below by the largest impostor
score seen plus a margin when the trials cannot resolve that rate). Writes
adapters/voice/calibration.json. Run: PYTHONPATH=. .venv/bin/python bench/calibrate_voice.py DIR
"""

from __future__ import annotations

import datetime
import io
import json
import sys
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf

from adapters.voice.resemblyzer_engine import MODEL, ResemblyzerVoiceEngine

TARGETS = {"trusted": 1e-3, "suspicious": 1e-4}
MARGIN = 0.02
OUT = Path(__file__).resolve().parent.parent / "adapters" / "voice" / "calibration.json"


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, samples, rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def embeddings(engine: ResemblyzerVoiceEngine, files: list[Path], telephone: bool) -> np.ndarray:
    out = []
    for path in files:
        samples, rate = sf.read(path, dtype="float32")
        if telephone:
            samples, rate = librosa.resample(samples, orig_sr=rate, target_sr=8000), 8000
        wav, _ = engine.speech(wav_bytes(samples, rate))
        out.append(engine.embed_speech(wav))
    return np.stack(out)


def trials(by_speaker: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    genuine, impostor = [], []
    for speaker, embs in by_speaker.items():
        for start in range(0, len(embs) - 3, 3):
            print_ = embs[start:start + 3].mean(axis=0)
            print_ /= np.linalg.norm(print_)
            rest = np.delete(embs, range(start, start + 3), axis=0)
            genuine.extend(rest @ print_)
            for other, other_embs in by_speaker.items():
                if other != speaker:
                    impostor.extend(other_embs @ print_)
    return np.asarray(genuine), np.asarray(impostor)


def threshold_for(genuine: np.ndarray, impostor: np.ndarray, far: float) -> dict[str, float]:
    ordered = np.sort(impostor)[::-1]
    allowed = int(far * len(ordered))  # impostor scores that may lie at or above the threshold
    threshold = float(ordered[allowed]) + 1e-4 if allowed < len(ordered) else float(ordered[-1])
    if allowed == 0:
        threshold = float(ordered[0]) + MARGIN  # unresolvable rate: stay clear of every impostor
    return {"threshold": round(threshold, 4), "target_far": far,
            "measured_far": float(np.mean(impostor >= threshold)),
            "measured_frr": round(float(np.mean(genuine < threshold)), 4)}


def main(directory: Path) -> None:
    engine = ResemblyzerVoiceEngine()
    speakers = sorted(p for p in directory.iterdir() if p.is_dir())
    result: dict[str, object] = {
        "model": MODEL, "data": str(directory.name), "speakers": [s.name for s in speakers],
        "made": datetime.date.today().isoformat(), "enrolment": "normalised mean of 3", "channels": {}}
    for channel, telephone in (("wideband", False), ("telephone", True)):
        by_speaker = {s.name: embeddings(engine, sorted(s.glob("*.wav")), telephone)
                      for s in speakers}
        genuine, impostor = trials(by_speaker)
        eer_index = np.argmin(np.abs(np.array([np.mean(impostor >= t) - np.mean(genuine < t)
                                                for t in np.linspace(0.5, 1, 501)])))
        result["channels"][channel] = {  # type: ignore[index]
            "genuine_trials": len(genuine), "impostor_trials": len(impostor),
            "eer_threshold": round(float(np.linspace(0.5, 1, 501)[eer_index]), 4),
            **{trust: threshold_for(genuine, impostor, far) for trust, far in TARGETS.items()}}
        print(channel, json.dumps(result["channels"][channel], indent=1))  # type: ignore[index]
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/voice/dev"))
