"""Verification trials scored raw and with adaptive S-norm, vectorised over whole speaker sets.

Mirrors the bank: a voiceprint is the normalised mean of 3 utterances (disjoint triples per
speaker); genuine trials score it against the same speaker's other utterances, impostor trials
against every other speaker's — except two characters of one game, who may share an actor:
such pairs are neither genuine nor impostor trials. For the same reason cohort statistics leave
out the scored embedding's whole source (its game, or the speaker itself), so no trial is
normalised by its own voice (at run time customers are never in the cohort).
The arithmetic is domain/score_norm.py's, in matrix form (tests/unit checks they agree)."""

from __future__ import annotations

import attrs
import numpy as np

PER_PRINT = 3
COHORT_PER_SPEAKER = 10
GAMES = ("fotaq", "drascula")


def source(speaker: str) -> str:
    """Who may share a voice: a game's characters (`fotaq_en_joe` -> `fotaq_en`) share one
    source; any other speaker (a development speaker) is a source of its own."""
    parts = speaker.split("_")
    return "_".join(parts[:2]) if parts[0] in GAMES and len(parts) > 2 else speaker


@attrs.frozen
class Cohort:
    embeddings: np.ndarray  # rows: unit-length float32 embeddings
    sources: np.ndarray  # one label per row (`source` of its speaker)


def cohort_of(by_speaker: dict[str, np.ndarray], names: list[str],
              per_speaker: int = COHORT_PER_SPEAKER) -> Cohort:
    """The first `per_speaker` utterances of each named speaker, stored as float16 (as shipped)."""
    rows = [by_speaker[n][:per_speaker] for n in names]
    labels = [source(n) for n in names for _ in range(len(by_speaker[n][:per_speaker]))]
    stacked = np.concatenate(rows).astype(np.float16).astype(np.float32)
    return Cohort(stacked, np.asarray(labels))


def cohort_stats(x: np.ndarray, x_sources: np.ndarray, cohort: Cohort,
                 top: int) -> tuple[np.ndarray, np.ndarray]:
    """(mean, spread) of each row's `top` highest cosines to the cohort, own source left out."""
    cos = x @ cohort.embeddings.T
    cos[x_sources[:, None] == cohort.sources[None, :]] = -np.inf
    n = min(top, cos.shape[1])
    best = -np.partition(-cos, n - 1, axis=1)[:, :n]
    if not np.isfinite(best).all():
        raise ValueError("the cohort has too few speakers besides the scored one")
    return best.mean(axis=1), np.maximum(best.std(axis=1), 1e-6)


@attrs.frozen
class Scored:
    """Genuine and impostor scores, raw and normalised, with whose they are."""

    raw_genuine: np.ndarray
    raw_impostor: np.ndarray
    norm_genuine: np.ndarray
    norm_impostor: np.ndarray
    genuine_speaker: np.ndarray  # the claimant of each genuine trial
    impostor_claimant: np.ndarray  # whose voiceprint each impostor trial is scored against
    impostor_speaker: np.ndarray  # who speaks in each impostor trial


def prints_and_tests(by_speaker: dict[str, np.ndarray], names: list[str]) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Voiceprints (with speaker and first member index) and utterances (speaker, index)."""
    prints: list[np.ndarray] = []
    tests: list[np.ndarray] = []
    p_spk: list[str] = []
    t_spk: list[str] = []
    p_start: list[int] = []
    t_idx: list[int] = []
    for name in names:
        emb = by_speaker[name]
        for start in range(0, len(emb) - PER_PRINT, PER_PRINT):
            mean = emb[start:start + PER_PRINT].mean(axis=0)
            prints.append(mean / np.linalg.norm(mean))
            p_spk.append(name)
            p_start.append(start)
        tests.append(emb)
        t_spk.extend([name] * len(emb))
        t_idx.extend(range(len(emb)))
    return (np.stack(prints), np.asarray(p_spk), np.asarray(p_start), np.concatenate(tests),
            np.asarray(t_spk), np.asarray(t_idx))


def score(by_speaker: dict[str, np.ndarray], names: list[str], cohort: Cohort,
          top: int) -> Scored:
    prints, p_spk, p_start, tests, t_spk, t_idx = prints_and_tests(by_speaker, names)
    raw = prints @ tests.T
    p_src = np.asarray([source(n) for n in p_spk])
    t_src = np.asarray([source(n) for n in t_spk])
    mu_e, sd_e = cohort_stats(prints, p_src, cohort, top)
    mu_t, sd_t = cohort_stats(tests, t_src, cohort, top)
    norm = ((raw - mu_e[:, None]) / sd_e[:, None] + (raw - mu_t[None, :]) / sd_t[None, :]) / 2
    same = p_spk[:, None] == t_spk[None, :]
    member = (t_idx[None, :] >= p_start[:, None]) & (t_idx[None, :] < p_start[:, None] + PER_PRINT)
    genuine = same & ~member
    impostor = p_src[:, None] != t_src[None, :]
    claimant = np.broadcast_to(p_spk[:, None], raw.shape)
    speaker = np.broadcast_to(t_spk[None, :], raw.shape)
    return Scored(raw[genuine], raw[impostor], norm[genuine], norm[impostor], claimant[genuine],
                  claimant[impostor], speaker[impostor])


def threshold_for(impostor: np.ndarray, target_far: float) -> float:
    """The smallest threshold whose FAR on these impostor trials is at most the target; with too
    few trials to resolve the target, just above the highest impostor seen."""
    ordered = np.sort(impostor)[::-1]
    allowed = int(target_far * len(ordered))
    return float(np.nextafter(ordered[allowed], np.inf))


def clopper_pearson(errors: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """Exact binomial confidence interval of an error rate."""
    from scipy.stats import beta

    alpha = 1 - level
    low = 0.0 if errors == 0 else float(beta.ppf(alpha / 2, errors, trials - errors + 1))
    high = 1.0 if errors == trials else float(beta.ppf(1 - alpha / 2, errors + 1, trials - errors))
    return low, high
