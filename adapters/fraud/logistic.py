"""A logistic-regression model over the features, in numpy only: trained offline
(`vaani fraud train`), saved as JSON, loaded by path."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import numpy as np

from adapters.fraud.features import NAMES


@attrs.frozen
class LogisticModel:
    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]
    scales: tuple[float, ...]
    names: tuple[str, ...] = NAMES
    trained_on: str = ""

    def probability(self, x: list[float]) -> float:
        z = self.bias + sum(w * (v - m) / s for w, v, m, s in
                            zip(self.weights, x, self.means, self.scales, strict=True))
        return float(1.0 / (1.0 + np.exp(-max(-50.0, min(50.0, z)))))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(attrs.asdict(self), indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> LogisticModel:
        raw = json.loads(path.read_text())
        model = cls(weights=tuple(raw["weights"]), bias=float(raw["bias"]),
                    means=tuple(raw["means"]), scales=tuple(raw["scales"]),
                    names=tuple(raw["names"]), trained_on=str(raw.get("trained_on", "")))
        if model.names != NAMES:
            raise ValueError(f"{path}: the model was trained on other features; train it again")
        return model


def train(x: np.ndarray, y: np.ndarray, *, epochs: int = 300, rate: float = 0.5,
          l2: float = 1e-3, trained_on: str = "") -> LogisticModel:
    """Full-batch gradient descent on standardised features, classes weighted to balance."""
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales == 0] = 1.0
    z = (x - means) / scales
    positive = max(float(y.mean()), 1e-6)
    sample_weight = np.where(y == 1, 0.5 / positive, 0.5 / (1 - positive))
    w = np.zeros(z.shape[1])
    b = 0.0
    for _ in range(epochs):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        error = (p - y) * sample_weight
        w -= rate * (z.T @ error / len(y) + l2 * w)
        b -= rate * float(error.mean())
    return LogisticModel(tuple(float(v) for v in w), float(b), tuple(float(v) for v in means),
                         tuple(float(v) for v in scales), trained_on=trained_on)
