"""The real voice engine: resemblyzer's GE2E speaker encoder on the CPU, with its shipped weights.

Only the encoder's network (a 3-layer LSTM, a linear layer) runs in torch; what it hears is computed
in numpy (adapters/voice/ge2e_features.py), as resemblyzer computes it with librosa, so the
embeddings are resemblyzer's own while a worker never imports librosa, numba or scipy. The weights
are read from resemblyzer's package without importing it (its import loads librosa). The network
is loaded once per process, lazily and under a lock, with one torch thread; `warm_up` is called at
start-up so the first customer does not wait."""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from pathlib import Path

import numpy as np

from adapters.voice import ge2e_features as features
from adapters.voice.audio import decode, refuse
from adapters.voice.quality import check_quality
from domain.voice import VoiceChannel, VoiceSample

MODEL = "resemblyzer-0.1.4/ge2e-256"
SAMPLE_RATE = features.SAMPLE_RATE
HIDDEN, LAYERS = 256, 3


def shipped_weights() -> Path:
    """resemblyzer's pretrained.pt, found in its installed package without running its import."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or spec.origin is None:
        raise RuntimeError("resemblyzer is not installed: its pretrained weights are needed")
    return Path(spec.origin).parent / "pretrained.pt"


class _Encoder:
    """resemblyzer's VoiceEncoder network: LSTM(40 -> 256, 3 layers), Linear(256, 256), ReLU, L2."""

    def __init__(self, weights: Path) -> None:
        import torch

        torch.set_num_threads(1)  # small batches: more threads only contend with the others
        state = torch.load(weights, map_location="cpu", weights_only=True)["model_state"]
        self.lstm = torch.nn.LSTM(features.N_MELS, HIDDEN, LAYERS, batch_first=True)
        self.lstm.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("lstm.")})
        self.linear = torch.nn.Linear(HIDDEN, HIDDEN)
        self.linear.load_state_dict({k[7:]: v for k, v in state.items() if k.startswith("linear.")})
        self.lstm.eval()
        self.window, self.filterbank = features.hann_window(), features.mel_filterbank()

    def embed_utterance(self, wav: np.ndarray) -> np.ndarray:
        """resemblyzer's embed_utterance: the L2-normed mean of its partials' embeddings."""
        import torch

        starts = features.partial_starts(len(wav))
        end = (starts[-1] + features.PARTIAL) * features.HOP
        wav = np.pad(wav, (0, max(0, end - len(wav))))
        mel = features.mel_spectrogram(wav, self.window, self.filterbank)
        mels = np.array([mel[s:s + features.PARTIAL] for s in starts])
        with torch.no_grad():
            _, (hidden, _) = self.lstm(torch.from_numpy(mels))
            raw = torch.relu(self.linear(hidden[-1]))
            partials = (raw / torch.norm(raw, dim=1, keepdim=True)).numpy()
        mean = np.mean(partials, axis=0)
        return np.asarray(mean / np.linalg.norm(mean, 2), dtype=np.float32)


class ResemblyzerVoiceEngine:
    model = MODEL

    def __init__(self, min_speech_seconds: float = 2.0, weights: Path | None = None) -> None:
        self._min_speech = min_speech_seconds
        self._weights = weights
        self._lock = threading.Lock()
        self._encoder: _Encoder | None = None

    def _load(self) -> _Encoder:
        if self._encoder is None:
            with self._lock:
                if self._encoder is None:
                    self._encoder = _Encoder(self._weights or shipped_weights())
        return self._encoder

    def warm_up(self) -> None:
        """Load the model and run one embedding so the first customer does not wait."""
        rng = np.random.default_rng(0)
        noise = (rng.standard_normal(SAMPLE_RATE * 3) * 0.1).astype(np.float32)
        self.embed_speech(features.preprocess(noise, SAMPLE_RATE))

    def embed_speech(self, wav: np.ndarray) -> np.ndarray:
        encoder = self._load()
        with self._lock:  # one embedding at a time: one torch thread, bounded memory
            return np.asarray(encoder.embed_utterance(wav), dtype=np.float32)

    def speech(self, audio: bytes) -> tuple[np.ndarray, int]:
        """Decoded, resampled to 16 kHz, volume-normalised and silence-trimmed speech."""
        wav, rate, _ = self._heard(audio)
        return wav, rate

    def _heard(self, audio: bytes) -> tuple[np.ndarray, int, float]:
        """The speech, its original rate and its SNR estimate; a recording too noisy to decide
        is refused here (`too_noisy`: record again), before the model scores it."""
        decoded = decode(audio)
        snr = check_quality(decoded)
        return features.preprocess(decoded.samples, decoded.sample_rate), decoded.sample_rate, snr

    def analyse(self, audio: bytes) -> VoiceSample:
        wav, rate, snr = self._heard(audio)
        seconds = len(wav) / SAMPLE_RATE
        if seconds < self._min_speech:
            raise refuse("too_short", f"the recording has {seconds:.1f} s of speech; at least "
                         f"{self._min_speech:.0f} s are needed", speech_seconds=round(seconds, 2))
        embedding = self.embed_speech(wav)
        return VoiceSample(
            embedding=tuple(float(x) for x in embedding),
            sha256=hashlib.sha256(audio).hexdigest(), speech_seconds=round(seconds, 2),
            channel=VoiceChannel.TELEPHONE if rate <= 8000 else VoiceChannel.WIDEBAND,
            model=MODEL, snr_db=snr)
