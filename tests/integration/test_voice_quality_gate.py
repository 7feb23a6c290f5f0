"""A voice answer too noisy to decide is sent back to be recorded again: refused before the
model scores it, so it counts as no failed attempt, and the nonce's digits can be said again on
a fresh challenge; a clean answer passes, its SNR estimate on the audit record. Real speech,
the real models, every profile."""

from __future__ import annotations

import numpy as np
import punq
import pytest

from application.ports import UnitOfWorkFactory
from domain.errors import ValidationError
from tests.integration.test_spoken_challenge import (  # noqa: F401  (fixtures)
    ALLISON,
    READ_AT_ENROLMENT,
    bank,
    challenge,
    engine,
    enrolled,
    last_verification,
    log_in,
    recogniser,
)
from tests.support.spoken import RATE, samples, say
from tests.support.voice import encode

pytestmark = pytest.mark.slow


def buried(audio: bytes, snr_db: float) -> bytes:
    data = samples(audio)
    power = float(np.mean(data.astype(np.float64) ** 2))
    noise = np.random.default_rng(3).standard_normal(len(data)) * np.sqrt(power / 10 ** (snr_db / 10))
    return encode(np.clip(data + noise, -1, 1).astype(np.float32), RATE)


def test_a_noisy_answer_is_sent_back_uncounted_and_a_clean_one_passes(
        bank: punq.Container) -> None:  # noqa: F811
    asha = enrolled(bank, ALLISON, READ_AT_ENROLMENT)
    proof, digits = challenge(bank, asha)
    with pytest.raises(ValidationError) as refused:
        log_in(bank, asha, proof, buried(say(digits), -5.0))  # noise above the speech
    assert refused.value.info["reason"] == "too_noisy" and "record again" in str(refused.value)
    with bank.resolve(UnitOfWorkFactory)() as uow:
        attempts = uow.voice.attempts(asha.id)
    assert attempts is None or attempts.failures == 0
    proof, digits = challenge(bank, asha)
    log_in(bank, asha, proof, say(digits))
    details = last_verification(bank)
    assert details["reason"] == "match" and float(str(details["snr_db"])) > 6.0
