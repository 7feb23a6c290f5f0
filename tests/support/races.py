"""Two calls started at the same moment (a barrier), each answer kept: what a race test needs
to show that of two uses of one single-use thing exactly one wins."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from domain.errors import DomainError


def both_at_once(first: Callable[[], object], second: Callable[[], object]
                 ) -> list[object | DomainError]:
    start = threading.Barrier(2)

    def run(call: Callable[[], object]) -> object | DomainError:
        start.wait()
        try:
            return call()
        except DomainError as error:
            return error

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(run, (first, second)))
