"""The served speaker engine gives resemblyzer's own embeddings: on every real recording of
tests/data/voice, over the telephone channel and on a spoken digit challenge, its embedding and
resemblyzer's VoiceEncoder's (imported here, in the test only) agree to float rounding, and so do
the scores the calibrated thresholds were fixed on."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from adapters.voice.audio import decode
from adapters.voice.resemblyzer_engine import MODEL, ResemblyzerVoiceEngine
from tests.support.spoken import say
from tests.support.voice import CLIPS, telephone

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # pkg_resources and scipy notices on import
    from resemblyzer import VoiceEncoder, preprocess_wav

AUDIO = {**{p.stem: p.read_bytes() for p in sorted(CLIPS.glob("*.wav"))},
         "allison_en_00 over 8 kHz": telephone("allison_en_00"),
         "allison_en_01 over 8 kHz": telephone("allison_en_01"),
         "digits 4071592836": say("4071592836"), "digits 958362": say("958362")}


@pytest.fixture(scope="module")
def embeddings() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(ours, resemblyzer's) per recording, resemblyzer's from the raw decoded samples."""
    engine = ResemblyzerVoiceEngine()
    encoder = VoiceEncoder(device="cpu", verbose=False)
    out = {}
    for name, audio in AUDIO.items():
        decoded = decode(audio)
        theirs = encoder.embed_utterance(preprocess_wav(decoded.samples, decoded.sample_rate))
        out[name] = (np.array(engine.analyse(audio).embedding), theirs)
    return out


@pytest.mark.parametrize("name", list(AUDIO))
def test_each_embedding_is_resemblyzers(name: str,
                                        embeddings: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
    ours, theirs = embeddings[name]
    assert ours.shape == theirs.shape == (256,)
    assert float(ours @ theirs) >= 0.99999
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_scores_between_recordings_are_unchanged(
        embeddings: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
    """Cosine scores (what the thresholds of calibration.json compare against) between every
    pair of recordings, ours against resemblyzer's: same speaker and different speakers alike."""
    ours = np.stack([pair[0] for pair in embeddings.values()])
    theirs = np.stack([pair[1] for pair in embeddings.values()])
    gap = np.abs(ours @ ours.T - theirs @ theirs.T)
    assert float(gap.max()) < 1e-6
    names = list(embeddings)
    allison, carlo = names.index("allison_en_00"), names.index("carlo_it_00")
    scores = ours @ ours.T
    assert scores[allison, allison + 1] > scores[allison, carlo] + 0.1  # still tells them apart


def test_the_model_name_stays_so_enrolled_voiceprints_stay_valid() -> None:
    assert ResemblyzerVoiceEngine.model == MODEL == "resemblyzer-0.1.4/ge2e-256"

