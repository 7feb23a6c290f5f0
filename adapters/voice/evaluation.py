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
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import attrs
import numpy as np
import soundfile as sf

from adapters.voice.audio import resample
from adapters.voice.resemblyzer_engine import ResemblyzerVoiceEngine
from domain.errors import ValidationError

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
        return resample(samples, rate, 8000), 8000
    with tempfile.TemporaryDirectory() as tmp:
        source, coded, back = (Path(tmp) / n for n in ("in.wav", "coded.gsm", "out.wav"))
        sf.write(source, samples, rate, subtype="PCM_16")
        # A fixed argument list over files we just wrote: no shell, nothing from outside. -R: the
        # same dither on every run, else the codec's output, and every score, differ run to run.
        subprocess.run([sox, "-R", str(source), "-r", "8000", "-c", "1", str(coded)],  # noqa: S603
                       check=True, capture_output=True)
        subprocess.run([sox, "-R", str(coded), "-e", "signed-integer", "-b", "16", str(back)],  # noqa: S603
                       check=True, capture_output=True)
        data, back_rate = sf.read(back, dtype="float32")
        return data, int(back_rate)


def codec_name() -> str:
    return "GSM 06.10 via sox" if shutil.which("sox") else "8 kHz resampling (sox not installed)"


def speakers(directory: Path) -> dict[str, list[Path]]:
    """Each sub-folder's recordings (.wav, .flac, any case), for folders of 4 or more."""
    found = {p.name: sorted(f for f in p.iterdir() if f.is_file()
                            and f.suffix.lower() in (".wav", ".flac"))
             for p in sorted(directory.iterdir()) if p.is_dir()}
    return {name: files for name, files in found.items() if len(files) >= 4}


@attrs.frozen
class Embedded:
    """Each speaker's usable recordings as embeddings, and what was left out and why: a file
    that is not audio, silent, clipped, too long or with too little speech is counted, never
    fatal, so a real folder of recordings can be measured."""

    by_speaker: dict[str, np.ndarray]
    skipped: dict[str, int]  # reason -> files; "speaker" -> speakers with too few files left


def embed_all(engine: ResemblyzerVoiceEngine, files: dict[str, list[Path]], telephone: bool,
              min_speech: float, advance: Progress, per_print: int = 3) -> Embedded:
    out: dict[str, np.ndarray] = {}
    skipped: Counter[str] = Counter()
    for name, paths in files.items():
        rows: list[np.ndarray] = []
        for path in paths:
            reason = _unusable(engine, path, telephone, min_speech, rows)
            if reason is not None:
                skipped[reason] += 1
            advance(1)
        if len(rows) > per_print:  # a voiceprint and at least one recording to score
            out[name] = np.stack(rows)
        else:
            skipped["speaker"] += 1
    return Embedded(out, dict(sorted(skipped.items())))


def _unusable(engine: ResemblyzerVoiceEngine, path: Path, telephone: bool, min_speech: float,
              rows: list[np.ndarray]) -> str | None:
    """Embed one recording into `rows`, or say why it cannot be used."""
    try:
        samples, rate = sf.read(path, dtype="float32")
    except (RuntimeError, sf.LibsndfileError):
        return "not_audio"
    if samples.ndim > 1:
        samples = samples.mean(axis=1)
    if telephone:
        samples, rate = telephone_audio(samples, int(rate))
    buffer = io.BytesIO()
    sf.write(buffer, samples, rate, format="WAV", subtype="PCM_16")
    try:
        wav, _ = engine.speech(buffer.getvalue())
    except ValidationError as refused:  # too long, silent, clipped, an odd rate
        return str(refused.info.get("reason", "unusable"))
    if len(wav) / 16000 < min_speech:
        return "too_little_speech"
    rows.append(engine.embed_speech(wav))
    return None


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
