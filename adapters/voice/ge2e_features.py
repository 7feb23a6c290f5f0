"""What resemblyzer's GE2E encoder hears, computed in numpy without librosa or scipy: its
preprocessing (resampling, volume normalisation, silence trimming by voice activity) and its mel
spectrogram, step for step as resemblyzer 0.1.4 does them with librosa, so that its shipped weights
give the same embeddings; librosa's first call loads numba and scipy into every worker, which
made it the largest part of a worker's memory (docs/benchmarks.md, Memory)."""

from __future__ import annotations

import warnings

import numpy as np

from adapters.voice.audio import resample

SAMPLE_RATE = 16000
N_FFT, HOP, N_MELS, PARTIAL = 400, 160, 40, 160  # 25 ms windows, 10 ms steps, 40 mels, 1.6 s
INT16_MAX = 2**15 - 1
TARGET_DBFS = -30
VAD_WINDOW = 30 * SAMPLE_RATE // 1000  # 30 ms
VAD_AVERAGE, VAD_MAX_SILENCE = 8, 6  # windows


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's mel scale (librosa's default, htk=False): linear below 1 kHz, logarithmic above."""
    linear, log_start, log_step = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    mels = hz / linear
    above = hz >= log_start
    mels[above] = log_start / linear + np.log(hz[above] / log_start) / log_step
    return mels


def _mel_to_hz(mels: np.ndarray) -> np.ndarray:
    linear, log_start, log_step = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    hz = linear * mels
    above = mels >= log_start / linear
    hz[above] = log_start * np.exp(log_step * (mels[above] - log_start / linear))
    return hz


def mel_filterbank() -> np.ndarray:
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=40): triangles on Slaney's scale from 0 Hz
    to Nyquist, each scaled to unit area (norm='slaney'); float32, (mels, frequency bins)."""
    fft_hz = np.fft.rfftfreq(N_FFT, 1.0 / SAMPLE_RATE)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(np.array([0.0]))[0],
                                   _hz_to_mel(np.array([SAMPLE_RATE / 2.0]))[0], N_MELS + 2))
    widths = np.diff(edges)
    ramps = np.subtract.outer(edges, fft_hz)
    weights = np.zeros((N_MELS, len(fft_hz)), dtype=np.float32)
    for i in range(N_MELS):
        weights[i] = np.maximum(0, np.minimum(-ramps[i] / widths[i], ramps[i + 2] / widths[i + 1]))
    weights *= (2.0 / (edges[2:N_MELS + 2] - edges[:N_MELS]))[:, np.newaxis]
    return weights


def hann_window() -> np.ndarray:
    """The periodic Hann window librosa's STFT uses (scipy's get_window('hann', fftbins=True))."""
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(N_FFT) / N_FFT)


def mel_spectrogram(wav: np.ndarray, window: np.ndarray, filterbank: np.ndarray) -> np.ndarray:
    """librosa.feature.melspectrogram's power mel spectrogram (centred frames, zero padding),
    transposed to (frames, mels) as resemblyzer feeds it to the LSTM."""
    padded = np.pad(wav, N_FFT // 2)
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]
    spectrum = np.fft.rfft(window * frames, axis=-1).astype(np.complex64)
    power = np.abs(spectrum) ** 2
    return np.asarray(power @ filterbank.T, dtype=np.float32)


def partial_starts(n_samples: int, rate: float = 1.3, min_coverage: float = 0.75) -> list[int]:
    """The first frame of each 1.6 s partial utterance resemblyzer averages (its
    compute_partial_slices): 1.3 partials a second, the last kept if 75 % covered."""
    n_frames = int(np.ceil((n_samples + 1) / HOP))
    step = int(np.round(SAMPLE_RATE / rate / HOP))
    starts = list(range(0, max(1, n_frames - PARTIAL + step + 1), step))
    coverage = (n_samples - starts[-1] * HOP) / (PARTIAL * HOP)
    if coverage < min_coverage and len(starts) > 1:
        starts = starts[:-1]
    return starts


def preprocess(wav: np.ndarray, source_rate: int) -> np.ndarray:
    """resemblyzer.preprocess_wav: resampled to 16 kHz, raised (never lowered) to -30 dBFS, and
    stretches the voice activity detector calls silence cut down to their edges."""
    with warnings.catch_warnings():  # webrtcvad imports pkg_resources, which warns it is old
        warnings.simplefilter("ignore", UserWarning)
        import webrtcvad  # loaded on the first recording, not at start-up

    wav = resample(wav, source_rate, SAMPLE_RATE)
    rms = np.sqrt(np.mean((wav * INT16_MAX) ** 2))
    change = TARGET_DBFS - 20 * np.log10(rms / INT16_MAX)
    if not change < 0:
        wav = wav * (10 ** (change / 20))
    wav = wav[:len(wav) - len(wav) % VAD_WINDOW]
    pcm = np.round(wav * INT16_MAX).astype(np.int16).tobytes()
    vad = webrtcvad.Vad(3)
    flags = np.array([vad.is_speech(pcm[s * 2:(s + VAD_WINDOW) * 2], SAMPLE_RATE)
                      for s in range(0, len(wav), VAD_WINDOW)], dtype=float)
    if len(flags) == 0:  # shorter than one window: nothing to call speech
        return wav[:0]
    padded = np.concatenate((np.zeros((VAD_AVERAGE - 1) // 2), flags, np.zeros(VAD_AVERAGE // 2)))
    sums = np.cumsum(padded, dtype=float)  # a moving average over 8 windows
    sums[VAD_AVERAGE:] = sums[VAD_AVERAGE:] - sums[:-VAD_AVERAGE]
    voiced = np.round(sums[VAD_AVERAGE - 1:] / VAD_AVERAGE).astype(bool)
    # scipy's binary_dilation by 7 windows: a window is kept if any within 3 of it is voiced.
    reach = VAD_MAX_SILENCE // 2
    kept = np.convolve(voiced, np.ones(VAD_MAX_SILENCE + 1))[reach:reach + len(voiced)] > 0
    return wav[np.repeat(kept, VAD_WINDOW)]
