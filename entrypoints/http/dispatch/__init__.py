"""Where a request's blocking work runs: the HTTP layer's one seam for speed, chosen by the
composition root (`entrypoints/bootstrap.py`, `dispatcher`). Routes and use cases cannot tell
which dispatcher ran them: `threads.py` runs the work on worker threads (PostgreSQL, memory);
`sqlite_loop.py` runs short work on the event loop itself, with writes sharing one commit
(`group_commit.py`), and everything else as `threads.py` does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

P = TypeVar("P")
R = TypeVar("R")


class Dispatcher(Protocol):
    async def read(self, work: Callable[[], R], *, short: bool = False) -> R:
        """Run `work` (a caller check and reads); `short`: a row or two to read."""
        ...

    async def write(self, check: Callable[[], P], work: Callable[[P], R], *,
                    short: bool = False) -> R:
        """Run `check` (who is calling: reads), then `work` on its behalf (writes: one short
        transaction when `short`). The answer is returned once what `work` wrote is durable;
        `work` never returns None."""
        ...
