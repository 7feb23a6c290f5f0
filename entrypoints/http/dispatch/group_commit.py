"""Short writes on the event loop (SQLite), one at a time, committed together.

A short write (a transfer) runs on the event loop itself (`InPlace.writes`). While others are
on their way (their caller being checked) or wait in line, the loop does not commit after
each: up to MAX_SHARED writes share one transaction, each in a savepoint of its own (a
refusal undoes its own writes only), and the last one commits them all, with one fsync. No
answer is sent before its writes (and what it read of the others') have committed: if the
commit fails, every write that shared it gets the error (503, retried under its
Idempotency-Key). A transaction stays open for MAX_OPEN_S at most, because it keeps the writer
turn meanwhile and its first write waits for its last. Why these two numbers:
docs/benchmarks.md, "Figures once in docstrings"."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeAlias, TypeVar

from adapters.sql.engine import database_unavailable
from adapters.sql.sqlite.in_place import InPlace, Written
from adapters.sql.sqlite.one_writer import DatabaseBusy
from adapters.sql.sqlite.would_wait import ReadWouldWait, WriterTurnTaken, WriteWouldWait
from entrypoints.http.offload import offload

MAX_SHARED = 8
MAX_OPEN_S = 0.010

P = TypeVar("P")
R = TypeVar("R")
# What a write in place came to: its answer or its error, and the commit it waits for.
_Outcome: TypeAlias = tuple[R | None, Exception | None, "asyncio.Future[None] | None"]


class GroupCommit(Generic[P, R]):
    """One event loop's short writes (an asyncio lock belongs to one loop). `check` finds who
    is calling (on the loop; None: it must be made on a worker thread), `work` writes on
    their behalf and returns a value that is never None."""

    def __init__(self, in_place: InPlace) -> None:
        self._in_place = in_place
        self._turn = asyncio.Lock()
        self._coming = 0  # writes whose caller is being checked
        self._in_line = 0  # writes waiting for the lock
        self._durable: asyncio.Future[None] | None = None  # the open transaction's commit
        self._shared = 0  # writes in it
        self._opened_at = 0.0
        self._watch: asyncio.TimerHandle | None = None
        self._unavailable_at = 0.0  # when a write last failed for want of the database

    async def write(self, check: Callable[[], Awaitable[P | None]],
                    work: Callable[[P], R]) -> R | None:
        """`_write`; a write that waited in line while the one ahead of it failed for want of
        the database (a lock held past VAANI_DB_WAIT_SECONDS) fails the same way at once, so
        that no write waits in line for the database longer than that wait."""
        arrived = time.monotonic()
        try:
            return await self._write(check, work, arrived)
        except Exception as error:
            if database_unavailable(error):
                self._unavailable_at = time.monotonic()
            raise

    async def _write(self, check: Callable[[], Awaitable[P | None]], work: Callable[[P], R],
                     arrived: float) -> R | None:
        """Check the caller, then run `work` in place, else on a worker thread; None if the
        check must be made on a worker thread. One at a time: a write refused because this
        worker's own thread writes goes to a thread still one at a time. Writes the loop may
        not do for a while (a slow disk) go to threads side by side. While another worker
        writes, they wait in line behind one that waits for the writer turn on a thread."""
        if not self._in_place.writes_open():  # for a while: side by side on threads
            who = await check()
            return None if who is None else await offload(work, who)
        who = await self._arrive(check)
        if who is None:
            return None
        await self._wait_in_line()
        try:
            if self._unavailable_at > arrived:
                raise DatabaseBusy("the database took no write while this one waited in line")
            try:
                outcome = self._here(work, who)
            except WriterTurnTaken:
                outcome = await self._after_the_other_worker(work, who)
            if outcome is None:  # nothing written: a worker thread may wait where the loop may not
                self._commit()  # first, so that the thread can take the writer turn
                if self._in_place.writes_open():  # refused by this worker's own thread
                    return await offload(work, who)
        finally:
            self._leave()
        if outcome is None:
            return await offload(work, who)
        answer, error, durable = outcome
        if durable is not None:
            await asyncio.shield(durable)  # raises if the commit failed; shared by all waiting
        if error is not None:
            raise error
        assert answer is not None
        return answer

    async def _arrive(self, check: Callable[[], Awaitable[P | None]]) -> P | None:
        """While a write is on its way (its caller being checked), the open transaction waits
        for it: writes in flight together commit together."""
        self._coming += 1
        who = None
        try:
            who = await check()
        finally:
            self._coming -= 1
            if who is None:  # not coming after all (an error, or a check on a thread)
                self._commit_if_idle()
            else:
                self._in_line += 1  # in the same step: no moment counted as neither
        return who

    def _here(self, work: Callable[[P], R], who: P) -> _Outcome[R] | None:
        if not self._in_place.writes_open():
            return None
        written = Written()
        try:
            with self._in_place.writes() as written, self._in_place.reads():
                answer = work(who)
        except WriterTurnTaken:
            raise  # nothing was written
        except (ReadWouldWait, WriteWouldWait):
            return None  # nothing was written
        except Exception as error:  # a refusal: told once what it read has committed
            return None, error, self._joined(written)
        return answer, None, self._joined(written)

    async def _after_the_other_worker(self, work: Callable[[P], R], who: P) -> _Outcome[R] | None:
        """Another worker has the writer turn: a worker thread waits for it and keeps it for
        this write, while the writes coming after this one wait in line; then they share one
        transaction, as when the turn was free. None if it should go to a thread after all."""
        waiting = asyncio.ensure_future(offload(self._in_place.wait_for_turn))
        try:
            await asyncio.shield(waiting)
        except asyncio.CancelledError:  # the client went away: the turn, once taken, goes back
            waiting.add_done_callback(self._give_back_turn)
            raise
        try:
            return self._here(work, who)
        except WriterTurnTaken:  # cannot be, with the turn kept for it: a thread writes it then
            return None
        finally:
            self._in_place.give_back_turn()  # if it wrote nothing, nothing took it

    def _give_back_turn(self, waited: asyncio.Future[None]) -> None:
        if not waited.cancelled():
            waited.exception()  # a failed wait took nothing; retrieved, so it is not logged
        self._in_place.give_back_turn()

    def _joined(self, written: Written) -> asyncio.Future[None] | None:
        if not written.pending:
            return None
        if self._durable is None:
            loop = asyncio.get_running_loop()
            self._durable = loop.create_future()
            self._durable.add_done_callback(_retrieved)
            self._opened_at = time.monotonic()
            # Should no write come to commit it (every one in line cancelled), this does.
            self._watch = loop.call_later(MAX_OPEN_S, self._watched)
        self._shared += 1
        return self._durable

    async def _wait_in_line(self) -> None:
        try:
            await self._turn.acquire()
        except BaseException:  # cancelled: the client went away
            self._in_line -= 1
            self._commit_if_idle()
            raise
        self._in_line -= 1

    def _leave(self) -> None:
        try:
            if self._durable is not None and (
                    not (self._in_line or self._coming) or self._shared >= MAX_SHARED
                    or time.monotonic() - self._opened_at >= MAX_OPEN_S):
                self._commit()
        finally:
            self._turn.release()

    def _watched(self) -> None:
        self._watch = None
        self._commit_if_idle()
        if self._durable is not None:  # someone is on the way, and commits it
            self._watch = asyncio.get_running_loop().call_later(MAX_OPEN_S, self._watched)

    def _commit_if_idle(self) -> None:
        if self._durable is not None and not self._turn.locked() \
                and not (self._in_line or self._coming):
            self._commit()

    def _commit(self) -> None:
        durable, self._durable, self._shared = self._durable, None, 0
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        try:
            self._in_place.commit()
        except Exception as error:
            if durable is None:
                raise
            durable.set_exception(error)
        else:
            if durable is not None:
                durable.set_result(None)


def _retrieved(durable: asyncio.Future[None]) -> None:
    durable.exception()  # each write waiting raises it; none may be left waiting
