"""What is made of a voice answer before any transaction: the speaker embedding and, when the
bank asks for spoken challenges, the digits heard. Both are the slow part of a voice decision,
so neither runs while a transaction holds its locks."""

from __future__ import annotations

import attrs

from application.ports import DigitRecogniser, VoiceEngine
from domain.spoken_challenge import SpokenChallengePolicy
from domain.voice import VoiceSample


@attrs.frozen
class VoiceAnswer:
    """A recording as the voice checks read it. `heard`: the digits heard in it, or None when
    nothing was listened for (the bank asks for no spoken challenge, or no recogniser hears
    the recording's channel)."""

    audio: bytes = attrs.field(repr=False)
    sample: VoiceSample
    heard: str | None


class VoiceListener:
    def __init__(self, engine: VoiceEngine, recogniser: DigitRecogniser,
                 spoken: SpokenChallengePolicy) -> None:
        self._engine = engine
        self._recogniser = recogniser
        self._spoken = spoken

    def listen(self, audio: bytes) -> VoiceAnswer:
        """Raises ValidationError for unusable audio (the speaker model's checks come first).
        Audio of a channel the recogniser does not hear is not listened to."""
        sample = self._engine.analyse(audio)
        listen = self._spoken.required and sample.channel in self._recogniser.channels
        heard = self._recogniser.hear(audio) if listen else None
        return VoiceAnswer(audio, sample, heard)
