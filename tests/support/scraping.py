"""Reading a `/metrics` answer with prometheus_client's own parser."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    return [(s.name, s.labels, s.value) for family in text_string_to_metric_families(text)
            for s in family.samples]


def value(text: str, name: str, **labels: str) -> float:
    """The sum of the samples called `name` whose labels include `labels` (0: none)."""
    return sum(v for n, found, v in samples(text)
               if n == name and all(found.get(k) == want for k, want in labels.items()))


def present(text: str, name: str) -> bool:
    return any(n == name for n, _, _ in samples(text))
