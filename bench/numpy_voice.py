"""Speaker engines beside the served one (adapters/voice/resemblyzer_engine.py), for bench/memory.py:
`ReferenceEngine` is the pipeline the bank served before, resemblyzer's own (librosa's resampling
and mel spectrogram, scipy's dilation, its VoiceEncoder), the served engine is held to; and
`NumpyVoiceEngine` is a prototype that runs the LSTM in numpy too (no torch), from the weights
`export` writes once in a process with torch.
`python -m bench.numpy_voice DIR` scores a folder of speakers (one subfolder each) the way
bench/calibrate_voice.py does, with the served engine and with the reference, on both channels,
and prints how far apart the scores are and the error rates at the shipped thresholds."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any, cast

import numpy as np

from adapters.voice import ge2e_features as features
from adapters.voice.audio import decode
from adapters.voice.resemblyzer_engine import SAMPLE_RATE, ResemblyzerVoiceEngine, shipped_weights


def _resemblyzer() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pkg_resources and scipy deprecation notices
        import resemblyzer
    return resemblyzer


class ReferenceEngine(ResemblyzerVoiceEngine):
    """The engine before: resemblyzer's preprocess_wav and VoiceEncoder, librosa and all."""

    def _load(self) -> Any:
        with self._lock:
            if self._encoder is None:
                import torch

                torch.set_num_threads(1)
                self._encoder = _resemblyzer().VoiceEncoder(device="cpu", verbose=False)
        return self._encoder

    def warm_up(self) -> None:
        noise = (np.random.default_rng(0).standard_normal(SAMPLE_RATE * 3) * 0.1).astype(np.float32)
        self.embed_speech(_resemblyzer().preprocess_wav(noise, source_sr=SAMPLE_RATE))

    def speech(self, audio: bytes) -> tuple[np.ndarray, int]:
        decoded = decode(audio)
        self._load()
        wav = _resemblyzer().preprocess_wav(decoded.samples, source_sr=decoded.sample_rate)
        return wav, decoded.sample_rate


def export(path: Path) -> None:
    """Write the shipped weights to `path` (an .npz) for NumpyEncoder, which has no torch."""
    import torch

    state = torch.load(shipped_weights(), map_location="cpu", weights_only=True)["model_state"]
    np.savez(path, **{k.replace(".", "_"): v.numpy() for k, v in state.items()})


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


class NumpyEncoder:
    """GE2E's LSTM(40 -> 256, 3 layers) + Linear + ReLU + L2 norm in numpy, torch's gate order."""

    def __init__(self, path: Path) -> None:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

        threadpool_limits(1, user_api="blas")  # small products: BLAS threads only contend
        with np.load(path) as data:
            self.w = {k: data[k].astype(np.float32) for k in data.files}
        self.window, self.filterbank = features.hann_window(), features.mel_filterbank()

    def forward(self, mels: np.ndarray) -> np.ndarray:
        x = mels
        for layer in range(3):
            w_ih, w_hh = self.w[f"lstm_weight_ih_l{layer}"], self.w[f"lstm_weight_hh_l{layer}"]
            bias = self.w[f"lstm_bias_ih_l{layer}"] + self.w[f"lstm_bias_hh_l{layer}"]
            gates_in = x @ w_ih.T + bias  # (batch, frames, 4 * hidden)
            h = np.zeros((x.shape[0], w_hh.shape[1]), np.float32)
            c = np.zeros_like(h)
            out = np.empty((x.shape[0], x.shape[1], h.shape[1]), np.float32)
            for t in range(x.shape[1]):
                i, f, g, o = np.split(gates_in[:, t] + h @ w_hh.T, 4, axis=1)
                c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
                h = _sigmoid(o) * np.tanh(c)
                out[:, t] = h
            x = out
        raw = np.maximum(h @ self.w["linear_weight"].T + self.w["linear_bias"], 0.0)
        return np.asarray(raw / np.linalg.norm(raw, axis=1, keepdims=True))

    def embed_utterance(self, wav: np.ndarray) -> np.ndarray:
        starts = features.partial_starts(len(wav))
        wav = np.pad(wav, (0, max(0, (starts[-1] + features.PARTIAL) * features.HOP - len(wav))))
        mel = features.mel_spectrogram(wav, self.window, self.filterbank)
        raw = self.forward(np.stack([mel[s:s + features.PARTIAL] for s in starts])).mean(axis=0)
        return np.asarray(raw / np.linalg.norm(raw))


class NumpyVoiceEngine(ResemblyzerVoiceEngine):
    """The served engine's answers with NumpyEncoder in place of torch's LSTM."""

    def __init__(self, weights: Path) -> None:
        super().__init__()
        self._npz = weights

    def _load(self) -> Any:
        with self._lock:
            if self._encoder is None:
                self._encoder = cast(Any, NumpyEncoder(self._npz))  # the same duck type
        return self._encoder


def calibration_scores(folder: Path) -> None:
    """The served engine's trial scores against the reference's, on every channel."""
    from adapters.voice.calibration import calibrated_policy
    from adapters.voice.evaluation import embed_all, speakers, trials
    from domain.device import TrustLevel
    from domain.voice import VoiceChannel

    files, policy = speakers(folder), calibrated_policy()
    for channel, telephone in ((VoiceChannel.WIDEBAND, False), (VoiceChannel.TELEPHONE, True)):
        measured = [trials(embed_all(engine, files, telephone, 2.0, lambda _: None).by_speaker)
                    for engine in (ResemblyzerVoiceEngine(), ReferenceEngine())]
        served, reference = measured
        gap = max(float(np.abs(served.genuine - reference.genuine).max()),
                  float(np.abs(served.impostor - reference.impostor).max()))
        print(f"{channel.value}: {len(served.genuine)} genuine and {len(served.impostor)} impostor "
              f"trials; largest score difference {gap:.1e}")
        for trust in (TrustLevel.TRUSTED, TrustLevel.SUSPICIOUS):
            threshold = policy.thresholds[(trust, channel)]
            print(f"  {trust.value} threshold {threshold}: FAR/FRR served "
                  f"{served.rates(threshold)}, reference {reference.rates(threshold)}")


if __name__ == "__main__":
    calibration_scores(Path(sys.argv[1]))
