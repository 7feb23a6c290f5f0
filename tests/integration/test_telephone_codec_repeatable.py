"""The evaluation's telephone channel is repeatable: the same recording through the GSM codec
gives the same samples on every run (sox dithers with fresh random numbers unless told not to,
and through the codec that moved samples by up to a quarter of full scale, so every telephone
score, and the rates at each threshold, changed from one run to the next)."""

from __future__ import annotations

import shutil

import numpy as np

from adapters.voice.evaluation import telephone_audio
from tests.support.voice import samples_of


def test_the_same_recording_through_the_codec_twice_is_the_same() -> None:
    # make test installs sox (.ci/ensure-sox): missing, the channel is untested, not skipped.
    assert shutil.which("sox"), "Debian's sox is missing: run .ci/ensure-sox"
    data, rate = samples_of("allison_en_00")
    first, first_rate = telephone_audio(data, rate)
    second, _ = telephone_audio(data, rate)
    assert first_rate == 8000 and abs(len(first) - len(data) * 8000 / rate) <= 160  # GSM frames
    np.testing.assert_array_equal(first, second)
    assert float(np.abs(first).max()) > 0.05  # speech came through, not silence
