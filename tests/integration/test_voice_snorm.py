"""S-norm scoring with the real model on real speech: the customer passes, other speakers fail,
and every decision says in which score space its threshold lies."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import punq
import pytest

from adapters.voice.calibration import calibrated_policy
from adapters.voice.resemblyzer_engine import ResemblyzerVoiceEngine
from application.context import DeviceInfo, RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    EnrolVoice,
    ListAuditEvents,
    LogInWithPassword,
    LogInWithVoice,
    ManageDevices,
)
from application.voice_scoring import ScoreKind
from domain.device import TrustLevel
from domain.errors import VoiceVerificationFailed
from domain.voice import VoiceChannel
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.setting_values import ConfigurationError
from entrypoints.settings import load_settings
from tests.conftest import TEST_ENV, database_url_for, settings_for
from tests.support.banking import PASSWORD, customer
from tests.support.device_keys import DeviceKeyPair
from tests.support.voice import clip

pytestmark = pytest.mark.slow
KEY = DeviceKeyPair()
PHONE = DeviceInfo("ravi-phone-0001", label="Ravi's phone", platform="android", key=KEY.key)
HERE = RequestContext(ip="203.0.113.21", device_id=PHONE.identifier)
ENROL = ["allison_en_00", "allison_en_01", "allison_en_04"]


@pytest.fixture(scope="module")
def engine() -> ResemblyzerVoiceEngine:
    real = ResemblyzerVoiceEngine()
    real.warm_up()
    return real


def bank_scoring(scoring: str, tmp_path: Path, request: pytest.FixtureRequest,
                 engine: ResemblyzerVoiceEngine) -> punq.Container:
    url = database_url_for("memory", tmp_path, request)
    wired = bootstrap(settings_for(url, "memory", {"VAANI_VOICE_SCORE": scoring}),
                      voice_engine=engine)
    prepare_database(wired)
    return wired


@pytest.fixture
def snorm_bank(tmp_path: Path, request: pytest.FixtureRequest,
               engine: ResemblyzerVoiceEngine) -> Iterator[punq.Container]:
    wired = bank_scoring("snorm", tmp_path, request, engine)
    yield wired
    wired.resolve(UnitOfWorkFactory).close()


def attempt(bank: punq.Container, recording: str) -> dict[str, str]:
    """Enrol once per bank, try one recording; the decision's audit details."""
    ravi = customer(bank, first_name="Ravi")
    bank.resolve(LogInWithPassword).execute(ravi.customer_number, PASSWORD, HERE, PHONE)
    binding = bank.resolve(ManageDevices).list(ravi.id)[0]
    assert binding.trust is TrustLevel.TRUSTED
    bank.resolve(EnrolVoice).execute(ravi.id, binding.id, [clip(n) for n in ENROL], HERE)
    with contextlib.suppress(VoiceVerificationFailed):
        bank.resolve(LogInWithVoice).execute(ravi.customer_number, PHONE.identifier,
                                             clip(recording), HERE,
                                             KEY.proof(bank, ravi.customer_number, PHONE.identifier))
    trail = bank.resolve(ListAuditEvents).execute(limit=10).items
    return dict(next(e for e in trail if e.action == "voice.verify.login").details)


def test_the_enrolled_speaker_passes_under_snorm(snorm_bank: punq.Container) -> None:
    decided = attempt(snorm_bank, "allison_en_06")
    threshold = calibrated_policy(ScoreKind.SNORM).threshold(TrustLevel.TRUSTED,
                                                              VoiceChannel.WIDEBAND)
    assert decided["scoring"] == "snorm" and decided["reason"] == "match"
    assert float(decided["threshold"]) == threshold > 1  # standard deviations, not a cosine
    assert float(decided["score"]) >= threshold


@pytest.mark.parametrize("impostor", ["menardi_it_00", "carlo_it_00"])
def test_another_speaker_fails_under_snorm(snorm_bank: punq.Container, impostor: str) -> None:
    decided = attempt(snorm_bank, impostor)
    assert decided["scoring"] == "snorm" and decided["reason"] == "no_match"
    assert float(decided["score"]) < float(decided["threshold"])


def test_raw_cosine_scoring_stays_available(tmp_path: Path, request: pytest.FixtureRequest,
                                            engine: ResemblyzerVoiceEngine) -> None:
    bank = bank_scoring("raw", tmp_path, request, engine)
    decided = attempt(bank, "allison_en_06")
    assert decided["scoring"] == "raw" and decided["reason"] == "match"
    assert 0 < float(decided["threshold"]) < 1
    bank.resolve(UnitOfWorkFactory).close()


def test_an_unknown_score_space_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="VAANI_VOICE_SCORE"):
        load_settings({**TEST_ENV, "VAANI_VOICE_SCORE": "znorm"})
