"""The recording's quality gate on real speech: clean recordings pass with a margin, speech
buried in noise is sent back to be recorded again (not scored, so not counted)."""

from __future__ import annotations

import numpy as np
import pytest

from adapters.voice.audio import decode
from adapters.voice.quality import MIN_SNR_DB, check_quality, snr_db
from domain.errors import ValidationError
from tests.support.spoken import say
from tests.support.voice import encode, samples_of

CLEAN = ["allison_en_00", "allison_en_04", "carlo_it_00", "menardi_it_00", "menardi_it_01"]


def noisy(name: str, snr: float, seed: int = 0) -> bytes:
    data, rate = samples_of(name)
    power = float(np.mean(data.astype(np.float64) ** 2))
    noise = np.random.default_rng(seed).standard_normal(len(data)) * np.sqrt(power / 10 ** (snr / 10))
    return encode(np.clip(data + noise, -1, 1).astype(np.float32), rate)


@pytest.mark.parametrize("name", CLEAN)
def test_clean_speech_passes(name: str) -> None:
    data, rate = samples_of(name)
    assert check_quality(decode(encode(data, rate))) >= MIN_SNR_DB + 1


def test_spoken_digits_with_pauses_pass() -> None:
    assert check_quality(decode(say("204981"))) > MIN_SNR_DB


def test_speech_under_loud_noise_is_sent_back_to_be_recorded_again() -> None:
    with pytest.raises(ValidationError) as refused:
        check_quality(decode(noisy("allison_en_00", 0.0)))
    assert refused.value.info["reason"] == "too_noisy"
    assert refused.value.info["snr_db"] < MIN_SNR_DB
    assert "record again" in str(refused.value)


def test_the_estimate_falls_as_noise_rises() -> None:
    estimates = [snr_db(decode(noisy("carlo_it_00", s))) for s in (30.0, 15.0, 5.0)]
    assert estimates == sorted(estimates, reverse=True)
