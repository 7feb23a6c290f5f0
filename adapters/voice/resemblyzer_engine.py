"""The real voice engine: resemblyzer's GE2E speaker encoder on the CPU.

The encoder is loaded once per process, lazily and under a lock, with one torch thread; the
first preprocessing call is slow (librosa loads lazily), so `warm_up` is called at start-up."""

from __future__ import annotations

import hashlib
import threading
import warnings
from typing import Any

import numpy as np

from adapters.voice.audio import decode, refuse
from domain.voice import VoiceChannel, VoiceSample

MODEL = "resemblyzer-0.1.4/ge2e-256"
SAMPLE_RATE = 16000


def _resemblyzer() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pkg_resources and scipy deprecation notices
        import resemblyzer
    return resemblyzer


class ResemblyzerVoiceEngine:
    model = MODEL

    def __init__(self, min_speech_seconds: float = 2.0) -> None:
        self._min_speech = min_speech_seconds
        self._lock = threading.Lock()
        self._encoder: Any = None

    def _load(self) -> Any:
        if self._encoder is None:
            with self._lock:
                if self._encoder is None:
                    import torch

                    torch.set_num_threads(1)
                    self._encoder = _resemblyzer().VoiceEncoder(device="cpu", verbose=False)
        return self._encoder

    def warm_up(self) -> None:
        """Load the model and run one embedding so the first customer does not wait."""
        rng = np.random.default_rng(0)
        noise = (rng.standard_normal(SAMPLE_RATE * 3) * 0.1).astype(np.float32)
        self.embed_speech(_resemblyzer().preprocess_wav(noise, source_sr=SAMPLE_RATE))

    def embed_speech(self, wav: np.ndarray) -> np.ndarray:
        encoder = self._load()
        with self._lock:  # one embedding at a time: one torch thread, bounded memory
            return np.asarray(encoder.embed_utterance(wav), dtype=np.float32)

    def speech(self, audio: bytes) -> tuple[np.ndarray, int]:
        """Decoded, resampled to 16 kHz, volume-normalised and silence-trimmed speech."""
        decoded = decode(audio)
        self._load()
        wav = _resemblyzer().preprocess_wav(decoded.samples, source_sr=decoded.sample_rate)
        return wav, decoded.sample_rate

    def analyse(self, audio: bytes) -> VoiceSample:
        wav, rate = self.speech(audio)
        seconds = len(wav) / SAMPLE_RATE
        if seconds < self._min_speech:
            raise refuse("too_short", f"the recording has {seconds:.1f} s of speech; at least "
                         f"{self._min_speech:.0f} s are needed", speech_seconds=round(seconds, 2))
        embedding = self.embed_speech(wav)
        return VoiceSample(
            embedding=tuple(float(x) for x in embedding),
            sha256=hashlib.sha256(audio).hexdigest(), speech_seconds=round(seconds, 2),
            channel=VoiceChannel.TELEPHONE if rate <= 8000 else VoiceChannel.WIDEBAND,
            model=MODEL)
