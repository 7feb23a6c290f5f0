"""A served worker never imports librosa, scipy or numba: in a fresh interpreter, the application
is built as `vaani serve` builds it (the speaker model and the digit recogniser warmed), then a
real recording is analysed and a spoken challenge heard, and the modules loaded are listed: they
were the largest part of a worker's memory (docs/benchmarks.md, Memory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.spoken import say
from tests.support.voice import clip, telephone

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("librosa", "scipy", "numba", "llvmlite", "resemblyzer")
WORKER = """
import json, sys
from pathlib import Path
from application.ports import DigitRecogniser, VoiceEngine
from entrypoints.bootstrap import bootstrap
from entrypoints.http.serving import ready_app
from entrypoints.settings import load_settings

wired = bootstrap(load_settings(require_token_secret=True))
ready_app(wired)
folder = Path(sys.argv[1])
samples = [wired.resolve(VoiceEngine).analyse((folder / n).read_bytes()).speech_seconds
           for n in ("wideband.wav", "telephone.wav")]
heard = wired.resolve(DigitRecogniser).hear((folder / "digits.wav").read_bytes())
print(json.dumps({"speech": samples, "heard": heard, "modules": sorted(sys.modules)}))
"""


def test_a_served_worker_answers_voice_without_librosa_or_scipy(tmp_path: Path) -> None:
    (tmp_path / "wideband.wav").write_bytes(clip("allison_en_00"))
    (tmp_path / "telephone.wav").write_bytes(telephone("allison_en_01"))
    (tmp_path / "digits.wav").write_bytes(say("271828"))
    env = {**os.environ, "PYTHONPATH": str(REPO), "VAANI_PROFILE": "memory", "VAANI_DEMO": "1",
           "VAANI_VOICE_CHALLENGE": "spoken"}
    run = subprocess.run([sys.executable, "-c", WORKER, str(tmp_path)], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    answer = json.loads(run.stdout.strip().splitlines()[-1])
    assert min(answer["speech"]) > 2.0 and answer["heard"] == "271828"  # the voice path really ran
    loaded = {m.split(".")[0] for m in answer["modules"]}
    assert "torch" in loaded and "soxr" in loaded and "webrtcvad" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
