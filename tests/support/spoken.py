"""Spoken challenge answers made of real speech: Allison Smith's recordings of each digit
(tests/data/voice/digits, see ATTRIBUTION.md) joined into the string a challenge asks for."""

from __future__ import annotations

import functools
import io
import itertools

import librosa
import numpy as np
import soundfile as sf

from adapters.system import TimeOrderedIds
from tests.support.voice import CLIPS, encode

RATE = 16000
# Six-digit strings the recogniser hears exactly when said by say() (checked by
# tests/integration/test_spoken_challenge.py): a flow test's challenge is one of these, so it
# tests the flow, not the recogniser's rare slip on a random string (its accuracy is measured
# on random strings apart).
HEARD = ("135792", "864200", "297531", "406815", "570264", "918437", "362958", "749106")


class HeardDigits(TimeOrderedIds):
    """The bank's ids, with spoken challenges taken in turn from HEARD instead of at random."""

    def __init__(self) -> None:
        super().__init__()
        self._next = itertools.cycle(HEARD)

    def new_digits(self, count: int) -> str:
        assert count == 6, "HEARD holds six-digit strings"
        return next(self._next)


@functools.cache
def _digit(d: str) -> np.ndarray:
    data, rate = sf.read(CLIPS / "digits" / f"{d}.wav", dtype="float32")
    assert rate == RATE  # decoded at 16 kHz (ATTRIBUTION.md)
    trimmed, _edges = librosa.effects.trim(data, top_db=35)  # each file pads its word with silence
    return trimmed


def say(digits: str, gap: float = 0.2, lead: float = 0.3) -> bytes:
    """The digits said one after another, as a customer reads them off the screen: a short
    pause between words, a little silence before and after."""
    pause = np.zeros(int(gap * RATE), dtype=np.float32)
    edge = np.zeros(int(lead * RATE), dtype=np.float32)
    parts = [edge]
    for d in digits:
        parts += [_digit(d), pause]
    parts[-1] = edge
    return encode(np.concatenate(parts).astype(np.float32), RATE)


def samples(audio: bytes) -> np.ndarray:
    """A recording's samples, to make variants of it."""
    data, _ = sf.read(io.BytesIO(audio), dtype="float32")
    return np.asarray(data)
