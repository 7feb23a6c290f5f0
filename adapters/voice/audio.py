"""Decoding and checking audio before any model sees it: WAV (PCM 8/16/24-bit) and FLAC,
any sample rate, mono or stereo."""

from __future__ import annotations

import io

import attrs
import numpy as np
import soundfile as sf

from domain.errors import ValidationError

MAX_SECONDS = 30.0
ACCEPTED = {("WAV", "PCM_U8"), ("WAV", "PCM_S8"), ("WAV", "PCM_16"), ("WAV", "PCM_24"),
            ("FLAC", "PCM_S8"), ("FLAC", "PCM_16"), ("FLAC", "PCM_24")}
SILENCE_DBFS = -50.0
CLIPPED_FRACTION = 0.01


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """librosa.resample's default without librosa: soxr at high quality, trimmed or zero-padded to
    ceil(len * target / rate) samples, in the input's dtype."""
    if rate == target:
        return samples
    import soxr  # a small C library; librosa itself resamples with it

    size = int(np.ceil(len(samples) * (float(target) / rate)))  # librosa's rounding
    out = soxr.resample(samples, rate, target, quality="soxr_hq")[:size]
    return np.asarray(np.pad(out, (0, size - len(out))), dtype=samples.dtype)


def refuse(reason: str, message: str, **info: object) -> ValidationError:
    return ValidationError(message, field="voice_sample", reason=reason, **info)


@attrs.frozen
class DecodedAudio:
    samples: np.ndarray = attrs.field(repr=False)  # float32 mono in [-1, 1]
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate


def decode(data: bytes) -> DecodedAudio:
    """Mono float32 samples, or a validation_error naming why the recording is unusable."""
    try:
        info = sf.info(io.BytesIO(data))
    except (RuntimeError, sf.LibsndfileError):
        raise refuse("not_audio", "the voice sample is not a WAV or FLAC recording") from None
    if (info.format, info.subtype) not in ACCEPTED:
        raise refuse("unsupported_format",
                      f"unsupported audio format {info.format}/{info.subtype}; send WAV or FLAC "
                      "with 8, 16 or 24-bit PCM")
    if info.frames / max(info.samplerate, 1) > MAX_SECONDS:
        raise refuse("too_long", f"the voice sample is longer than {MAX_SECONDS:.0f} seconds")
    if not 8000 <= info.samplerate <= 192000:
        raise refuse("unsupported_format", f"sample rate {info.samplerate} Hz is not supported")
    samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    mono = samples.mean(axis=1)
    if len(mono) == 0:
        raise refuse("too_short", "the voice sample is empty")
    peak_hits = float(np.mean(np.abs(samples) >= 0.999))
    if peak_hits > CLIPPED_FRACTION:
        raise refuse("clipping", "the recording is clipped (too loud); record again further "
                     "from the microphone", clipped_fraction=round(peak_hits, 3))
    rms = float(np.sqrt(np.mean(np.square(mono, dtype=np.float64))))
    if rms == 0.0 or 20 * np.log10(rms) < SILENCE_DBFS:
        raise refuse("silence", "the recording is silent")
    return DecodedAudio(mono.astype(np.float32), int(rate))
