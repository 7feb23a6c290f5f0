"""The prose of the Memory section (bench/memory.py), written from the run's own figures."""

from __future__ import annotations

import json
from typing import Any

# Large blocks (argon2id's 19 MiB) always mmap'd and given back on free: glibc's dynamic
# threshold otherwise rises to their size after the first, and each thread's arena keeps one.
FIXED_MMAP = {"MALLOC_MMAP_THRESHOLD_": "1048576"}


def prose(served: str, stages: str, rows: dict[str, dict[str, Any]],
          chains: dict[str, list[dict[str, Any]]], agree: dict[str, dict[str, float]],
          rounds: int) -> str:
    return "\n\n".join([served, stages, json.dumps({k: v[-1] for k, v in chains.items()}),
                        json.dumps(agree)])
