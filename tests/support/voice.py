"""Recordings for the voice tests: real speech clips (tests/data/voice, see ATTRIBUTION.md),
their variants, and a small deterministic engine for tests where the voice is not under test."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf

from adapters.voice.audio import decode
from domain.voice import VoiceChannel, VoiceSample

CLIPS = Path(__file__).resolve().parent.parent / "data" / "voice"


def clip(name: str) -> bytes:
    return (CLIPS / f"{name}.wav").read_bytes()


def samples_of(name: str) -> tuple[np.ndarray, int]:
    data, rate = sf.read(CLIPS / f"{name}.wav", dtype="float32")
    return data, int(rate)


def encode(samples: np.ndarray, rate: int, fmt: str = "WAV", subtype: str = "PCM_16") -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, samples, rate, format=fmt, subtype=subtype)
    return buffer.getvalue()


def telephone(name: str) -> bytes:
    data, rate = samples_of(name)
    return encode(librosa.resample(data, orig_sr=rate, target_sr=8000), 8000)


def narrowband(audio: bytes) -> bytes:
    """A recording as it arrives over a telephone line: 8 kHz."""
    data, rate = sf.read(io.BytesIO(audio), dtype="float32")
    return encode(librosa.resample(data, orig_sr=rate, target_sr=8000), 8000)


def tone(frequency: float, seconds: float = 3.0, rate: int = 16000, amplitude: float = 0.3,
         seed: int = 0) -> bytes:
    """A tone with a little noise: the fake engine's idea of a speaker."""
    t = np.arange(int(seconds * rate)) / rate
    noise = np.random.default_rng(seed).standard_normal(len(t)) * 0.01
    return encode((amplitude * np.sin(2 * np.pi * frequency * t) + noise).astype(np.float32), rate)


class ToneVoiceEngine:
    """Deterministic and fast: the dominant frequency of a recording is its 'speaker'; each
    recording adds its own small variation, so two recordings are never identical."""

    model = "test-tone-engine"

    def warm_up(self) -> None:
        pass

    def analyse(self, audio: bytes) -> VoiceSample:
        decoded = decode(audio)  # the real checks: not audio, too long, silence, clipping
        spectrum = np.abs(np.fft.rfft(decoded.samples))
        peak = float(np.argmax(spectrum)) * decoded.sample_rate / len(decoded.samples)
        speaker = np.random.default_rng(round(peak / 10)).standard_normal(256)
        speaker /= np.linalg.norm(speaker)
        digest = hashlib.sha256(audio).digest()
        jitter = np.random.default_rng(int.from_bytes(digest[:8], "big")).standard_normal(256)
        vector = speaker + 0.15 * jitter / np.linalg.norm(jitter)
        vector /= np.linalg.norm(vector)
        return VoiceSample(tuple(float(x) for x in vector), hashlib.sha256(audio).hexdigest(),
                           decoded.seconds, VoiceChannel.WIDEBAND if decoded.sample_rate > 8000
                           else VoiceChannel.TELEPHONE, self.model)
