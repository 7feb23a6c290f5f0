"""The spoken challenge's recogniser: CMU PocketSphinx, offline, with the US-English acoustic
model its wheel ships, held to a grammar of digit strings (digits.gram, digits.dict) so that it
can only ever answer digits."""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from adapters.voice.audio import decode, resample
from domain.voice import VoiceChannel

MODEL_RATE = 16000  # the acoustic model's rate: narrowband audio is resampled up to it
WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
         "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}


class PocketSphinxDigits:
    """Hears US-English digits. A decoder is not safe to share between threads, so each thread
    that hears a recording gets its own (a few MiB), loaded on its first use: two voice answers
    on two threads never wait for each other, and a worker that never hears one pays nothing."""

    languages = frozenset({"en"})
    # The shipped acoustic model is wideband: over a telephone line's 8 kHz it mishears most
    # digit strings, so a call's answer is left to the configured stand-in, not misjudged.
    channels = frozenset({VoiceChannel.WIDEBAND})

    def __init__(self) -> None:
        self._mine = threading.local()

    def hear(self, audio: bytes) -> str:
        decoded = decode(audio)  # the same refusals as the speaker model's
        samples = resample(decoded.samples, decoded.sample_rate, MODEL_RATE)
        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        decoder = self._loaded()
        decoder.start_utt()
        decoder.process_raw(pcm, no_search=False, full_utt=True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        words = hypothesis.hypstr.split() if hypothesis is not None else []
        return "".join(WORDS[w] for w in words if w in WORDS)

    def warm_up(self) -> None:
        """Load the model files once (the operating system keeps them for the other threads)."""
        self._loaded()

    def _loaded(self) -> Any:
        decoder = getattr(self._mine, "decoder", None)
        if decoder is None:
            from pocketsphinx import Decoder, get_model_path  # imported when first needed

            here = resources.files("adapters.voice")
            decoder = self._mine.decoder = Decoder(
                hmm=str(Path(get_model_path()) / "en-us" / "en-us"),
                dict=str(here / "digits.dict"), jsgf=str(here / "digits.gram"),
                # One pass over the grammar: the later passes (flat-lexicon, best path)
                # inserted digits between real ones and took three times as long.
                fwdflat=False, bestpath=False, loglevel="FATAL")
        return decoder
