"""Raw cosine against adaptive S-norm, measured by speaker-held-out cross-validation.

Speakers: the development set (DEV, one sub-folder per speaker) and the game cohort (COHORT,
bench/voice_cohort.py). They are dealt into 4 folds, one development speaker in each. For every
fold, thresholds are fitted on the other folds' trials (FAR 1:1,000 trusted, 1:10,000
suspicious) with the other folds' game speakers as the S-norm cohort, then FAR and FRR are
counted on the held-out fold — whose speakers were never calibrated on nor in the cohort.
Wideband, and the same audio through GSM 06.10 at 8 kHz (sox). Prints a JSON report.
Run: PYTHONPATH=. .venv/bin/python bench/evaluate_snorm.py ../shared/voice/dev ../shared/voice/cohort"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from adapters.voice.evaluation import codec_name, embed_all, speakers
from adapters.voice.resemblyzer_engine import ResemblyzerVoiceEngine
from bench.snorm_trials import Scored, clopper_pearson, cohort_of, score, threshold_for

FOLDS = 4
TOP = 100
TARGETS = {"trusted": 1e-3, "suspicious": 1e-4}
CACHE = Path(tempfile.gettempdir()) / "vaani-voice-embeddings"


def embeddings(directory: Path, channel: str) -> dict[str, np.ndarray]:
    """Each speaker's embeddings on a channel, cached between runs (embedding is the slow part)."""
    cached = CACHE / f"{directory.resolve().name}-{channel}.npz"
    if cached.exists():
        return dict(np.load(cached))
    engine = ResemblyzerVoiceEngine()
    found: dict[str, Any] = embed_all(engine, speakers(directory), channel == "telephone", 2.0,
                      lambda _: None).by_speaker
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(cached, **found)
    return found


def folds(dev: list[str], game: list[str]) -> list[list[str]]:
    dealt: list[list[str]] = [[name] for name in dev[:FOLDS]]
    for i, name in enumerate(game):
        dealt[i % FOLDS].append(name)
    return dealt


def rate(errors: int, trials: int) -> dict[str, object]:
    low, high = clopper_pearson(errors, trials)
    return {"errors": errors, "trials": trials, "rate": errors / trials,
            "ci95": [round(low, 6), round(high, 6)]}


def count(scored: Scored, kind: str, threshold: float, dev: set[str]) -> np.ndarray:
    """[false accepts, impostor trials, false rejects, genuine trials], then the same counted
    only where a development speaker is the claimant (impostors: claimant or impostor)."""
    genuine = scored.raw_genuine if kind == "raw" else scored.norm_genuine
    impostor = scored.raw_impostor if kind == "raw" else scored.norm_impostor
    on_dev = np.isin(scored.genuine_speaker, list(dev))
    dev_pair = (np.isin(scored.impostor_claimant, list(dev))
                | np.isin(scored.impostor_speaker, list(dev)))
    return np.array([int((impostor >= threshold).sum()), len(impostor),
                     int((genuine < threshold).sum()), len(genuine),
                     int((impostor[dev_pair] >= threshold).sum()), int(dev_pair.sum()),
                     int((genuine[on_dev] < threshold).sum()), int(on_dev.sum())])


def channel_report(by_speaker: dict[str, np.ndarray], dev: list[str], game: list[str],
                   top: int) -> dict[str, object]:
    totals: dict[tuple[str, str], np.ndarray] = {}
    thresholds: dict[tuple[str, str], list[float]] = {}
    for held in folds(dev, game):
        rest = [n for n in dev + game if n not in held]
        cohort = cohort_of(by_speaker, [n for n in game if n not in held])
        calibration = score(by_speaker, rest, cohort, top)
        measured = score(by_speaker, held, cohort, top)
        for kind in ("raw", "snorm"):
            impostor = calibration.raw_impostor if kind == "raw" else calibration.norm_impostor
            for trust, far in TARGETS.items():
                threshold = threshold_for(impostor, far)
                thresholds.setdefault((kind, trust), []).append(round(threshold, 4))
                totals[(kind, trust)] = totals.get((kind, trust), 0) + count(
                    measured, kind, threshold, set(dev))
    report: dict[str, object] = {}
    for (kind, trust), c in totals.items():
        report[f"{kind}/{trust}"] = {
            "target_far": TARGETS[trust], "thresholds_by_fold": thresholds[(kind, trust)],
            "far": rate(int(c[0]), int(c[1])), "frr": rate(int(c[2]), int(c[3])),
            "far_dev_speakers": rate(int(c[4]), int(c[5])),
            "frr_dev_speakers": rate(int(c[6]), int(c[7]))}
    return report


def main(dev_dir: Path, cohort_dir: Path, top: int = TOP) -> dict[str, object]:
    result: dict[str, object] = {"folds": FOLDS, "top": top, "codec": codec_name()}
    for channel in ("wideband", "telephone"):
        dev_emb = embeddings(dev_dir, channel)
        game_emb = embeddings(cohort_dir, channel)
        by_speaker = {**dev_emb, **game_emb}
        result[channel] = channel_report(by_speaker, sorted(dev_emb), sorted(game_emb), top)
    result["speakers"] = {"dev": len(dev_emb), "game": len(game_emb)}
    return result


def require(dev_dir: Path, cohort_dir: Path) -> None:
    """Stop with a clear message when the speech folders are not there."""
    if not dev_dir.is_dir():
        sys.exit(f"evaluate_snorm: no development speakers at {dev_dir}")
    if not cohort_dir.is_dir():
        sys.exit(f"evaluate_snorm: no cohort at {cohort_dir}; build it with bench/voice_cohort.py")


if __name__ == "__main__":
    top = int(sys.argv[3]) if len(sys.argv) > 3 else TOP
    require(Path(sys.argv[1]), Path(sys.argv[2]))
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]), top), indent=1))
