"""Calls started at the same moment (a barrier), each answer kept: what a race test needs
to show that of two uses of one single-use thing exactly one wins."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from domain.errors import DomainError


def at_once(calls: list[Callable[[], object]]) -> list[object | DomainError]:
    """Every call started at the same moment, each on a thread of its own; their answers (a
    domain refusal kept as the answer) in the order of `calls`."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> object | DomainError:
        start.wait()
        try:
            return call()
        except DomainError as error:
            return error

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def both_at_once(first: Callable[[], object], second: Callable[[], object]
                 ) -> list[object | DomainError]:
    return at_once([first, second])
