"""How well scores find fraud: PR-AUC, precision and recall at alert budgets, and the
handbook's card precision@100 per day."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from adapters.fraud.replay import Scored


def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    order = np.argsort(-scores, kind="stable")
    hits = labels[order]
    if hits.sum() == 0:
        return 0.0
    precision_at = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision_at * hits).sum() / hits.sum())


def at_budget(scores: np.ndarray, labels: np.ndarray, budget: float) -> tuple[float, float]:
    """(precision, recall) when the top `budget` share of transactions raises an alert."""
    alerts = max(1, math.ceil(budget * len(scores)))
    top = labels[np.argsort(-scores, kind="stable")[:alerts]]
    return float(top.mean()), float(top.sum() / max(labels.sum(), 1))


def card_precision_at_k(scored: list[Scored], k: int = 100) -> float:
    """The mean over days of `card_precision_by_day`."""
    by_day = card_precision_by_day(scored, k)
    return float(np.mean(list(by_day.values()))) if by_day else 0.0


def card_precision_by_day(scored: list[Scored], k: int = 100) -> dict[str, float]:
    """Per day: the k customers with the highest score; the share of them with a fraud that day."""
    days: dict[str, dict[str, tuple[float, int]]] = defaultdict(dict)
    for s in scored:
        today = days[s.row.when.date().isoformat()]
        best, fraud = today.get(s.row.customer, (0.0, 0))
        today[s.row.customer] = (max(best, s.assessment.score), max(fraud, s.row.label))
    precisions: dict[str, float] = {}
    for day, customers in sorted(days.items()):
        ranked = sorted(customers.values(), key=lambda pair: -pair[0])[:k]
        precisions[day] = round(sum(fraud for _, fraud in ranked) / k, 4)
    return precisions


def report(scored: list[Scored]) -> dict[str, object]:
    scores = np.array([s.assessment.score for s in scored])
    labels = np.array([s.row.label for s in scored])
    latency = np.array([s.seconds for s in scored]) * 1e3
    decisions: dict[str, int] = defaultdict(int)
    for s in scored:
        decisions[s.assessment.decision.value] += 1
    out: dict[str, object] = {
        "transactions": len(scored), "frauds": int(labels.sum()),
        "pr_auc": round(average_precision(scores, labels), 4),
        "card_precision_at_100": round(card_precision_at_k(scored), 4),
        "card_precision_at_100_by_day": card_precision_by_day(scored),
        "decisions": dict(decisions),
        "latency_ms": {"p50": round(float(np.percentile(latency, 50)), 4),
                       "p99": round(float(np.percentile(latency, 99)), 4)} if len(scored) else {},
    }
    for budget in (0.005, 0.01):
        precision, recall = at_budget(scores, labels, budget)
        out[f"alert_budget_{budget:.1%}"] = {"precision": round(precision, 4),
                                             "recall": round(recall, 4)}
    return out
