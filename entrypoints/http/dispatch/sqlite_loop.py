"""The dispatcher of an SQLite file: short work on the event loop itself, where a read or a
short write takes less time than the hop to a worker thread (sqlite/in_place.py); writes in
flight together share one commit (group_commit.py). Work that would wait for a lock there, and
work that is not short, runs on worker threads (threads.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from adapters.sql.sqlite.in_place import InPlace
from adapters.sql.sqlite.would_wait import ReadWouldWait
from entrypoints.http.dispatch.group_commit import GroupCommit
from entrypoints.http.dispatch.threads import ThreadDispatcher

P = TypeVar("P")
R = TypeVar("R")


class SqliteLoopDispatcher:
    def __init__(self, in_place: InPlace, threads: ThreadDispatcher) -> None:
        self._in_place = in_place
        self._threads = threads
        self._writes: tuple[asyncio.AbstractEventLoop, GroupCommit[Any, Any]] | None = None

    async def read(self, work: Callable[[], R], *, short: bool = False) -> R:
        if short:
            done, answer = await self._on_the_loop(work)
            if done:
                return answer  # type: ignore[return-value]
        return await self._threads.read(work, short=short)

    async def write(self, check: Callable[[], P], work: Callable[[P], R], *,
                    short: bool = False) -> R:
        if short:
            async def check_here() -> P | None:
                done, who = await self._on_the_loop(check)
                return who if done else None
            answer: R | None = await self._group_commit().write(check_here, work)
            if answer is not None:
                return answer
        return await self._threads.write(check, work, short=short)

    async def _on_the_loop(self, work: Callable[[], R]) -> tuple[bool, R | None]:
        """`work` reading in place; (False, None) if a read there would wait for a lock."""
        # One turn of the loop first: a request that never gave the loop back let other
        # connections wait.
        await asyncio.sleep(0)
        try:
            with self._in_place.reads():
                return True, work()
        except ReadWouldWait:
            return False, None

    def _group_commit(self) -> GroupCommit[Any, Any]:
        """This loop's group commit (a test may run an app on several loops one after the
        other; an asyncio lock belongs to one)."""
        loop = asyncio.get_running_loop()
        if self._writes is None or self._writes[0] is not loop:
            self._writes = (loop, GroupCommit(self._in_place))
        return self._writes[1]
