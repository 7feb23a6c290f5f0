"""How clean a recording's speech is, measured before the speaker model decides: a sample too
noisy to decide gets a "record again" refusal (a validation error, which counts as no failed
voice attempt) rather than a low score that counts against the customer."""

from __future__ import annotations

import numpy as np

from adapters.voice.audio import DecodedAudio, refuse

FRAME_SECONDS = 0.02
MIN_SNR_DB = 6.0  # under every clean development recording's estimate (docs/voice.md)
QUIET, LOUD = 10, 90  # percentiles of frame energy standing for the noise floor and the speech


def snr_db(audio: DecodedAudio) -> float:
    """The speech-to-noise ratio in dB, estimated from the spread of 20 ms frames' energy: the
    loud frames are speech, the quiet ones the floor between words (pauses carry the noise).
    A recording with digital silence between words has no floor, and a very high estimate."""
    size = max(1, int(audio.sample_rate * FRAME_SECONDS))
    count = len(audio.samples) // size
    if count < 2:
        return 0.0
    frames = audio.samples[: count * size].astype(np.float64).reshape(count, size)
    energy = np.mean(frames * frames, axis=1) + 1e-12
    quiet, loud = np.percentile(energy, [QUIET, LOUD])
    return round(float(10 * np.log10(loud / quiet)), 1)


def check_quality(audio: DecodedAudio, min_snr_db: float = MIN_SNR_DB) -> float:
    """The recording's SNR estimate, or a validation_error (`too_noisy`) asking for another."""
    measured = snr_db(audio)
    if measured < min_snr_db:
        raise refuse("too_noisy", "the recording is too noisy to tell your voice: record again "
                     "somewhere quieter, close to the microphone", snr_db=measured,
                     min_snr_db=min_snr_db)
    return measured
