"""Measuring the voice engine on a folder of speakers: genuine and impostor trials, EER, FAR and
FRR at given thresholds, and thresholds proposed for a target false-accept rate.

Trials mirror enrolment: for every speaker, voiceprints are the normalised mean of disjoint
triples of utterances, scored against that speaker's other utterances (genuine) and all other
speakers' utterances (impostor). The telephone channel passes the same audio through an 8 kHz
GSM codec with sox when it is installed (Debian's `sox`), else through an 8 kHz resampler."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import attrs
import librosa
import numpy as np
import soundfile as sf

from adapters.voice.resemblyzer_engine import ResemblyzerVoiceEngine

Progress = Callable[[int], None]


@attrs.frozen
class Trials:
    genuine: np.ndarray
    impostor: np.ndarray

    def rates(self, threshold: float) -> tuple[float, float]:
        """(false-accept rate, false-reject rate) at a threshold."""
        return (float(np.mean(self.impostor >= threshold)),
                float(np.mean(self.genuine < threshold)))

    def eer(self) -> tuple[float, float]:
        """(equal error rate, its threshold)."""
        grid = np.linspace(0.0, 1.0, 2001)
        gaps = [abs(np.subtract(*self.rates(t))) for t in grid]
        best = float(grid[int(np.argmin(gaps))])
        far, frr = self.rates(best)
        return (far + frr) / 2, best

    def threshold_for(self, target_far: float, margin: float = 0.02) -> float:
        """The smallest threshold whose measured FAR is at most the target; when the trials are
        too few to resolve the target, stay `margin` above every impostor seen."""
        ordered = np.sort(self.impostor)[::-1]
        allowed = int(target_far * len(ordered))
        if allowed == 0:
            return round(float(ordered[0]) + margin, 4)
        return round(float(ordered[allowed]) + 1e-4, 4)


def telephone_audio(samples: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
    sox = shutil.which("sox")
    if sox is None:
        return librosa.resample(samples, orig_sr=rate, target_sr=8000), 8000
    with tempfile.TemporaryDirectory() as tmp:
        source, coded, back = (Path(tmp) / n for n in ("in.wav", "coded.gsm", "out.wav"))
        sf.write(source, samples, rate, subtype="PCM_16")
        # A fixed argument list over files we just wrote: no shell, nothing from outside.
        subprocess.run([sox, str(source), "-r", "8000", "-c", "1", str(coded)],  # noqa: S603
                       check=True, capture_output=True)
        subprocess.run([sox, str(coded), "-e", "signed-integer", "-b", "16", str(back)],  # noqa: S603
                       check=True, capture_output=True)
        data, back_rate = sf.read(back, dtype="float32")
        return data, int(back_rate)


def codec_name() -> str:
    return "GSM 06.10 via sox" if shutil.which("sox") else "8 kHz resampling (sox not installed)"


def speakers(directory: Path) -> dict[str, list[Path]]:
    found = {p.name: sorted(p.glob("*.wav")) + sorted(p.glob("*.flac"))
             for p in sorted(directory.iterdir()) if p.is_dir()}
    return {name: files for name, files in found.items() if len(files) >= 4}


def embed_all(engine: ResemblyzerVoiceEngine, files: dict[str, list[Path]], telephone: bool,
              min_speech: float, advance: Progress) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name, paths in files.items():
        rows = []
        for path in paths:
            samples, rate = sf.read(path, dtype="float32")
            if telephone:
                samples, rate = telephone_audio(samples, int(rate))
            buffer = io.BytesIO()
            sf.write(buffer, samples, rate, format="WAV", subtype="PCM_16")
            wav, _ = engine.speech(buffer.getvalue())
            if len(wav) / 16000 >= min_speech:
                rows.append(engine.embed_speech(wav))
            advance(1)
        out[name] = np.stack(rows)
    return out


def trials(by_speaker: dict[str, np.ndarray], per_print: int = 3) -> Trials:
    genuine: list[float] = []
    impostor: list[float] = []
    for name, embeddings in by_speaker.items():
        for start in range(0, len(embeddings) - per_print, per_print):
            voiceprint = embeddings[start:start + per_print].mean(axis=0)
            voiceprint /= np.linalg.norm(voiceprint)
            rest = np.delete(embeddings, range(start, start + per_print), axis=0)
            genuine.extend((rest @ voiceprint).tolist())
            for other, theirs in by_speaker.items():
                if other != name:
                    impostor.extend((theirs @ voiceprint).tolist())
    return Trials(np.asarray(genuine), np.asarray(impostor))
