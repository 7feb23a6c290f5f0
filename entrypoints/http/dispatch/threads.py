"""The dispatcher of a database server and of the memory store: every request's work on a
worker thread, its caller check and its reads on one connection (`request_reads`)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TypeVar

from entrypoints.http.offload import offload

P = TypeVar("P")
R = TypeVar("R")


class ThreadDispatcher:
    """`request_reads`: opens a request's shared reads (the SQL factory's), or nothing."""

    def __init__(self, request_reads: Callable[[], AbstractContextManager[None]] = nullcontext
                 ) -> None:
        self._request_reads = request_reads

    async def read(self, work: Callable[[], R], *, short: bool = False) -> R:
        return await offload(self._read, work)

    async def write(self, check: Callable[[], P], work: Callable[[P], R], *,
                    short: bool = False) -> R:
        return await offload(self._write, check, work)

    def _read(self, work: Callable[[], R]) -> R:
        with self._request_reads():
            return work()

    def _write(self, check: Callable[[], P], work: Callable[[P], R]) -> R:
        # The check is a request read; the work's writes open their own transaction once it
        # has given the connection back.
        with self._request_reads():
            who = check()
        return work(who)
