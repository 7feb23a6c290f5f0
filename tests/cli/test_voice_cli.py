"""`vaani voice evaluate|calibrate|restore` on real speech clips (the real model)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import librosa
import numpy as np
import pytest
from typer.testing import CliRunner

from entrypoints.cli import runtime
from entrypoints.cli.app import app
from tests.conftest import TEST_ENV
from tests.support.voice import CLIPS, encode, samples_of

pytestmark = pytest.mark.slow


@pytest.fixture
def speaker_folders(tmp_path: Path) -> Path:
    """Two speakers of 5 and 4 recordings (the second made from two longer clips)."""
    allison = tmp_path / "allison"
    allison.mkdir()
    for path in sorted(CLIPS.glob("allison_en_*.wav")):
        shutil.copy(path, allison)
    menardi = tmp_path / "menardi"
    menardi.mkdir()
    for name in ("menardi_it_00", "menardi_it_01"):
        data, rate = samples_of(name)
        (menardi / f"{name}.wav").write_bytes(encode(data, rate))
        faster = librosa.effects.time_stretch(data, rate=1.08)
        (menardi / f"{name}_fast.wav").write_bytes(encode(faster, rate))
    return tmp_path


def test_evaluate_and_calibrate_print_error_rates(speaker_folders: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    runtime.reset()
    runner = CliRunner()
    evaluated = runner.invoke(app, ["voice", "evaluate", str(speaker_folders), "--json"])
    assert evaluated.exit_code == 0, evaluated.output
    report = json.loads(evaluated.stdout)
    wideband = report["channels"]["wideband"]
    assert wideband["impostor_trials"] > 0 and 0 <= wideband["eer"] <= 0.5
    assert wideband["trusted"]["threshold"] < wideband["suspicious"]["threshold"]
    proposed = runner.invoke(app, ["voice", "calibrate", str(speaker_folders), "--target-far",
                                   "0.01", "--json"])
    assert proposed.exit_code == 0, proposed.output
    assert 0 < json.loads(proposed.stdout)["wideband"]["threshold"] <= 1.1
    human = runner.invoke(app, ["voice", "evaluate", str(speaker_folders)])
    assert human.exit_code == 0 and "wideband" in human.stdout and "EER" in human.stdout


def test_evaluate_leaves_out_unusable_files_and_counts_them(
        speaker_folders: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    runtime.reset()
    allison = speaker_folders / "allison"
    (allison / "notes.wav").write_text("not a recording")
    (allison / "quiet.wav").write_bytes(encode(np.zeros(3 * 16000, dtype=np.float32), 16000))
    (allison / "LONG.WAV").write_bytes(encode(np.zeros(31 * 16000, dtype=np.float32), 16000))
    broken = speaker_folders / "broken"
    broken.mkdir()
    for n in range(4):
        (broken / f"take{n}.wav").write_bytes(b"RIFF....WAVEfmt garbage")
    result = CliRunner().invoke(app, ["voice", "evaluate", str(speaker_folders), "--json"])
    assert result.exit_code == 0, result.output
    channels = json.loads(result.stdout)["channels"]
    assert channels["wideband"]["skipped"] == {"not_audio": 5, "silence": 1, "speaker": 1,
                                               "too_long": 1}
    telephone = channels["telephone"]["skipped"]  # the codec may leave a hiss in the silence
    assert telephone["not_audio"] == 5 and telephone["speaker"] == 1
    assert sum(telephone.values()) == 8


def test_evaluate_needs_two_speakers(tmp_path: Path) -> None:
    (tmp_path / "only").mkdir()
    result = CliRunner().invoke(app, ["voice", "evaluate", str(tmp_path)])
    assert result.exit_code == 2 and "two sub-folders" in result.stderr
