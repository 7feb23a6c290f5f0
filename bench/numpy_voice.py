"""The speaker encoder without torch, librosa or scipy (a measuring prototype for bench/memory.py,
not wired into the bank): resemblyzer's preprocessing and its 3-layer LSTM written in numpy, with
soxr (librosa's own resampler) and webrtcvad; TorchLstmEncoder keeps torch for the LSTM alone.
`export` writes the weights and the mel filterbank once, in a process that has torch and librosa;
the engine then loads only that file and answers what ResemblyzerVoiceEngine answers, to float
rounding (bench/memory.py checks it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from adapters.voice.resemblyzer_engine import SAMPLE_RATE, ResemblyzerVoiceEngine

N_FFT, HOP, N_MELS, PARTIAL = 400, 160, 40, 160  # resemblyzer's hparams (25 ms, 10 ms, 40, 1.6 s)
INT16_MAX = 2**15 - 1


def export(path: Path) -> None:
    """Write resemblyzer's weights and librosa's mel filterbank to `path` (an .npz)."""
    import librosa
    from resemblyzer import VoiceEncoder

    state = VoiceEncoder(device="cpu", verbose=False).state_dict()
    arrays = {k.replace(".", "_"): v.numpy() for k, v in state.items()}
    arrays["mel_basis"] = librosa.filters.mel(sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=N_MELS)
    arrays["window"] = librosa.filters.get_window("hann", N_FFT, fftbins=True)
    np.savez(path, **arrays)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


class NumpyEncoder:
    """GE2E's LSTM(40 -> 256, 3 layers) + Linear + ReLU + L2 norm, torch's gate order (i, f, g, o)."""

    def __init__(self, path: Path) -> None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1, user_api="blas")  # small products: BLAS threads only contend
        with np.load(path) as data:
            self.w = {k: data[k].astype(np.float32) for k in data.files}

    def mel(self, wav: np.ndarray) -> np.ndarray:
        padded = np.pad(wav, N_FFT // 2)  # librosa's center=True, pad_mode="constant"
        frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]
        power = np.abs(np.fft.rfft(frames * self.w["window"], n=N_FFT)) ** 2
        return (power @ self.w["mel_basis"].T).astype(np.float32)

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
        return raw / np.linalg.norm(raw, axis=1, keepdims=True)

    def embed_utterance(self, wav: np.ndarray, rate: float = 1.3, min_coverage: float = 0.75) -> np.ndarray:
        """resemblyzer's partial-utterance averaging, the same slices."""
        n_frames = int(np.ceil((len(wav) + 1) / HOP))
        step = round(SAMPLE_RATE / rate / HOP)
        starts = list(range(0, max(1, n_frames - PARTIAL + step + 1), step))
        coverage = (len(wav) - starts[-1] * HOP) / (PARTIAL * HOP)
        if coverage < min_coverage and len(starts) > 1:
            starts = starts[:-1]
        wav = np.pad(wav, (0, max(0, (starts[-1] + PARTIAL) * HOP - len(wav))))
        mel = self.mel(wav)
        embeds = self.forward(np.stack([mel[s:s + PARTIAL] for s in starts]))
        raw = embeds.mean(axis=0)
        return raw / np.linalg.norm(raw)


class TorchLstmEncoder(NumpyEncoder):
    """The numpy front end (resampling, VAD, mel) with torch's LSTM: torch kept, librosa not."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        import torch

        torch.set_num_threads(1)
        self.lstm = torch.nn.LSTM(N_MELS, 256, 3, batch_first=True)
        self.lstm.load_state_dict({k[5:]: torch.from_numpy(v) for k, v in self.w.items()
                                   if k.startswith("lstm_")})

    def forward(self, mels: np.ndarray) -> np.ndarray:
        import torch

        with torch.no_grad():
            _, (hidden, _) = self.lstm(torch.from_numpy(mels))
        raw = np.maximum(hidden[-1].numpy() @ self.w["linear_weight"].T + self.w["linear_bias"], 0.0)
        return raw / np.linalg.norm(raw, axis=1, keepdims=True)


def preprocess(wav: np.ndarray, source_sr: int) -> np.ndarray:
    """resemblyzer.preprocess_wav: resample (soxr HQ, as librosa does), volume up to -30 dBFS,
    silences longer than the VAD's smoothing window cut."""
    import soxr
    import webrtcvad

    if source_sr != SAMPLE_RATE:
        size = int(np.ceil(len(wav) * SAMPLE_RATE / source_sr))
        wav = soxr.resample(wav, source_sr, SAMPLE_RATE, quality="soxr_hq")[:size]
        wav = np.pad(wav, (0, size - len(wav)))
    rms = np.sqrt(np.mean((wav * INT16_MAX) ** 2))
    change = -30 - 20 * np.log10(rms / INT16_MAX)
    if change > 0:
        wav = wav * (10 ** (change / 20))
    window = 30 * SAMPLE_RATE // 1000
    wav = wav[:len(wav) - len(wav) % window]
    pcm = np.round(wav * INT16_MAX).astype(np.int16).tobytes()
    vad = webrtcvad.Vad(3)
    flags = np.array([vad.is_speech(pcm[s * 2:(s + window) * 2], SAMPLE_RATE)
                      for s in range(0, len(wav), window)], dtype=float)
    padded = np.concatenate((np.zeros(3), flags, np.zeros(4)))  # moving average, width 8
    sums = np.cumsum(padded)
    sums[8:] = sums[8:] - sums[:-8]
    mask = np.round(sums[7:] / 8).astype(bool)
    mask = np.convolve(mask, np.ones(7), mode="same") > 0  # binary dilation, 7 windows
    return wav[np.repeat(mask, window)]


class NumpyVoiceEngine(ResemblyzerVoiceEngine):
    """ResemblyzerVoiceEngine's answers without librosa (and, with NumpyEncoder, without torch):
    the weights from `export`'s file."""

    def __init__(self, weights: Path, encoder: type[NumpyEncoder] = NumpyEncoder) -> None:
        super().__init__()
        self._weights, self._encoder_type = weights, encoder

    def _load(self) -> Any:
        with self._lock:
            if self._encoder is None:
                self._encoder = self._encoder_type(self._weights)
        return self._encoder

    def warm_up(self) -> None:
        noise = (np.random.default_rng(0).standard_normal(SAMPLE_RATE * 3) * 0.1).astype(np.float32)
        self.embed_speech(preprocess(noise, SAMPLE_RATE))

    def speech(self, audio: bytes) -> tuple[np.ndarray, int]:
        from adapters.voice.audio import decode

        decoded = decode(audio)
        self._load()
        return preprocess(decoded.samples, decoded.sample_rate), decoded.sample_rate
