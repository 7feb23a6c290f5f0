"""What `vaani serve` sets up in each serving process before its first request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SERVE_AND_REPORT = """
import sys
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import load_settings
from entrypoints.http.serving import ready_app
before = sys.getswitchinterval()
ready_app(bootstrap(load_settings({"VAANI_PROFILE": "memory", "VAANI_JWT_SECRET": "s" * 48})))
print(before, sys.getswitchinterval())
"""


def test_a_serving_process_hands_the_gil_to_waiting_threads_within_a_millisecond() -> None:
    # Run in its own interpreter: the setting is process-wide, and so is the model warm-up.
    result = subprocess.run([sys.executable, "-c", SERVE_AND_REPORT], cwd=ROOT, text=True,
                            capture_output=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-2000:]
    before, after = map(float, result.stdout.split())
    assert before == 0.005  # CPython's default, which starved the database threads
    assert after == 0.001
