"""Build the impostor cohort of real human speakers from Debian's voiced adventure games.

Downloads `flight-of-the-amazon-queen`, `drascula` and `drascula-spanish` with `apt-get download`,
unpacks them with `dpkg-deb -x`, cuts each character's lines (bench/game_speech.py) and writes
16 kHz mono 16-bit WAV to OUT/<source>_<speaker>/NNN.wav, keeping lines with at least 2 s of
speech after the engine's own silence trimming, and OUT/PROVENANCE.md. Stays outside the
repository: the data is only for measuring and for building the packaged cohort embeddings.
Run: PYTHONPATH=. .venv/bin/python bench/voice_cohort.py ../shared/voice/cohort
Exits 2 with a message when the packages cannot be downloaded (no Debian archive, offline)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf

from adapters.voice.resemblyzer_engine import ResemblyzerVoiceEngine
from bench.game_speech import drascula_lines, queen_lines
from domain.errors import ValidationError

PACKAGES = ("flight-of-the-amazon-queen", "drascula", "drascula-spanish")
MIN_SPEECH = 2.0
MAX_PER_SPEAKER = 60
MIN_PER_SPEAKER = 6
RATE = 16000
Line = tuple[str, str, np.ndarray, int]


def unpack(work: Path) -> dict[str, str]:
    """Download and unpack the packages into `work`; package -> version. Exits when it cannot."""
    apt, dpkg = shutil.which("apt-get"), shutil.which("dpkg-deb")
    if apt is None or dpkg is None:
        sys.exit("voice_cohort: needs Debian's apt-get and dpkg-deb; nothing built")
    done = subprocess.run([apt, "download", *PACKAGES], cwd=work,  # noqa: S603
                          capture_output=True, text=True, check=False)
    debs = sorted(work.glob("*.deb"))
    if done.returncode != 0 or len(debs) != len(PACKAGES):
        print(f"voice_cohort: cannot download {', '.join(PACKAGES)}:\n{done.stderr.strip()}",
              file=sys.stderr)
        sys.exit(2)
    versions = {}
    for deb in debs:
        subprocess.run([dpkg, "-x", str(deb), str(work / "root")], check=True)  # noqa: S603
        name, version = deb.name.split("_")[:2]
        versions[name] = version
    return versions


def sources(root: Path) -> Iterator[tuple[str, Line]]:
    games = root / "usr" / "share" / "scummvm"
    for line in queen_lines(games / "flight-of-the-amazon-queen" / "queen.1c"):
        yield "fotaq_en", line
    for language in ("en", "es"):
        for line in drascula_lines(games / "drascula" / language):
            yield f"drascula_{language}", line


def wideband(samples: np.ndarray, rate: int) -> bytes:
    """16 kHz 16-bit WAV bytes of a line at any rate."""
    if rate != RATE:
        samples = librosa.resample(samples, orig_sr=rate, target_sr=RATE).astype(np.float32)
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(samples, -1.0, 1.0), RATE, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def build(out: Path, root: Path, engine: ResemblyzerVoiceEngine) -> Counter[str]:
    kept: Counter[str] = Counter()
    for source, (speaker, _name, samples, rate) in sources(root):
        folder = f"{source}_{speaker}"
        if kept[folder] >= MAX_PER_SPEAKER:
            continue
        audio = wideband(samples, rate)
        try:
            speech, _ = engine.speech(audio)
        except ValidationError:  # silent, clipped, too long
            continue
        if len(speech) / RATE < MIN_SPEECH:
            continue
        target = out / folder
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{kept[folder]:03d}.wav").write_bytes(audio)
        kept[folder] += 1
    for folder, count in list(kept.items()):
        if count < MIN_PER_SPEAKER:  # too few lines to tell the speaker apart: leave out
            shutil.rmtree(out / folder)
            del kept[folder]
    return kept


def provenance(out: Path, versions: dict[str, str], kept: Counter[str]) -> None:
    rows = "\n".join(f"| {folder} | {count} |" for folder, count in sorted(kept.items()))
    listed = ", ".join(f"`{name}` {version}" for name, version in sorted(versions.items()))
    (out / "PROVENANCE.md").write_text(f"""# Impostor cohort: voiced characters of Debian's games

Built by `bench/voice_cohort.py` (Vaani repository) from {listed}
(Debian bookworm, section games; `apt-get download` + `dpkg-deb -x`).
Licences (the packages' copyright files): "Flight-of-the-Amazon-Queen-License" (BSD-like, free
to give away and include in distributions); "Drascula-License" (made freely available by
Alcachofa Soft S.L., BSD-like, DFSG-free). Used here only to measure and to derive
speaker embeddings; the audio is never shipped in the repository.

Extraction: FOTAQ `queen.1c` table of contents, dialogue `.SB` (MP3) named by the talk key of
each `.DOG` dialogue file (`P` = that file's person, `J` = Joe) and `JOE*.SB`; Drascula raw
unsigned 8-bit 11,025 Hz `.ALS` files labelled by the talking function's prefix (ScummVM's
engines/drascula/talk.cpp; `D` only up to line 40, `S`/`F` left out). Converted to 16 kHz mono
16-bit WAV (librosa's resampler), kept when at least {MIN_SPEECH:.0f} s of speech remain after
the engine's silence trimming; at most {MAX_PER_SPEAKER} lines and at least {MIN_PER_SPEAKER} per speaker.

Care with labels: a character is not always a different actor. Small casts double up roles
(FOTAQ's minor characters and Drascula's side characters are likely voiced by a few actors), so
treat two folders of one source as *probably* different speakers; the same character in
`drascula_en` and `drascula_es` is a different (English vs Spanish) actor.

| folder | lines |
|---|---|
{rows}
""")


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        versions = unpack(work)
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        kept = build(out, work / "root", ResemblyzerVoiceEngine())
    provenance(out, versions, kept)
    print(f"wrote {sum(kept.values())} lines of {len(kept)} speakers to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/voice/cohort"))
