"""The impostor cohort shipped with the package: speaker embeddings of voiced characters from
Debian's adventure games (bench/voice_cohort.py, bench/calibrate_snorm.py), per channel —
voices that are never the bank's customers, so S-norm can ask what a stranger would score."""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from importlib import resources

import numpy as np

from domain.voice import Embedding, VoiceChannel

COHORT_FILE = "cohort.npz"


class PackagedCohort:
    """Loaded once per process, on first use (a few hundred float16 rows per channel)."""

    def __init__(self, top: int) -> None:
        self.top = top
        self._lock = threading.Lock()
        self._rows: dict[str, np.ndarray] | None = None

    def _load(self) -> dict[str, np.ndarray]:
        if self._rows is None:
            with self._lock:
                if self._rows is None:
                    raw = resources.files("adapters.voice").joinpath(COHORT_FILE).read_bytes()
                    with np.load(io.BytesIO(raw)) as stored:
                        self._rows = {name: stored[name].astype(np.float32)
                                      for name in stored.files}
        return self._rows

    def size(self, channel: VoiceChannel) -> int:
        return len(self._load()[channel.value])

    def scores(self, embedding: Embedding, channel: VoiceChannel) -> Sequence[float]:
        rows = self._load()[channel.value]
        vector = np.asarray(embedding, dtype=np.float32)
        norm = float(np.linalg.norm(vector)) or 1.0
        return [float(x) for x in rows @ (vector / norm)]
