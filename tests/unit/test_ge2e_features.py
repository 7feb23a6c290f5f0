"""The speaker engine's front end against the libraries it replaces: the mel filterbank and window
are librosa's, the resampler is librosa.resample's, and the preprocessing is resemblyzer's
preprocess_wav, sample for sample (librosa and resemblyzer are imported here, in the test only)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from adapters.voice import ge2e_features as features
from adapters.voice.audio import decode, resample
from tests.support.spoken import say
from tests.support.voice import CLIPS, clip, samples_of, telephone

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # pkg_resources and scipy notices on import
    import librosa
    from resemblyzer import preprocess_wav

RECORDINGS = sorted(p.stem for p in CLIPS.glob("*.wav"))


def test_the_mel_filterbank_and_window_are_librosas() -> None:
    ours = features.mel_filterbank()
    theirs = librosa.filters.mel(sr=16000, n_fft=400, n_mels=40)  # Slaney scale, norm="slaney"
    assert ours.dtype == theirs.dtype == np.float32
    assert ours.shape == (40, 201)
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_allclose(features.hann_window(),
                               librosa.filters.get_window("hann", 400, fftbins=True), atol=1e-15)


def test_the_mel_spectrogram_is_librosas() -> None:
    wav = preprocess_wav(*samples_of("allison_en_00"))
    ours = features.mel_spectrogram(wav, features.hann_window(), features.mel_filterbank())
    theirs = librosa.feature.melspectrogram(y=wav, sr=16000, n_fft=400, hop_length=160, n_mels=40)
    assert ours.shape == theirs.T.shape
    np.testing.assert_allclose(ours, theirs.T, rtol=1e-5, atol=1e-6 * float(theirs.max()))


@pytest.mark.parametrize(("rate", "target"), [(44100, 16000), (8000, 16000), (48000, 16000),
                                              (16000, 8000), (22050, 16000), (16000, 16000)])
def test_resampling_is_librosas(rate: int, target: int) -> None:
    wav = np.random.default_rng(rate).standard_normal(rate + 7).astype(np.float32) * 0.1
    ours = resample(wav, rate, target)
    theirs = librosa.resample(wav, orig_sr=rate, target_sr=target)
    assert ours.dtype == np.float32
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("name", [*RECORDINGS, "telephone", "digits"])
def test_preprocessing_is_resemblyzers_sample_for_sample(name: str) -> None:
    audio = {"telephone": telephone("allison_en_00"), "digits": say("4071592836")}.get(name)
    decoded = decode(audio or clip(name))
    ours = features.preprocess(decoded.samples, decoded.sample_rate)
    theirs = preprocess_wav(decoded.samples, source_sr=decoded.sample_rate)
    assert 0 < len(ours) < len(decoded.samples) * 16000 / decoded.sample_rate  # silences cut
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("seconds", [0.01, 0.05, 0.2, 0.5])
def test_very_short_recordings_trim_as_resemblyzer_does(seconds: float) -> None:
    data, rate = samples_of("carlo_it_00")
    piece = data[int(rate * 1.0):int(rate * (1.0 + seconds))]
    np.testing.assert_array_equal(features.preprocess(piece, rate),
                                  preprocess_wav(piece, source_sr=rate))


@pytest.mark.parametrize("n_samples", [0, 100, 16000, 25599, 25600, 33000, 48000, 87840, 480000])
def test_partials_are_resemblyzers(n_samples: int) -> None:
    from resemblyzer import VoiceEncoder

    _, mel_slices = VoiceEncoder.compute_partial_slices(n_samples, 1.3, 0.75)
    assert features.partial_starts(n_samples) == [s.start for s in mel_slices]
