"""Quick writes on the event loop (SQLite), one at a time, committed together.

A quick endpoint's write (a transfer) runs on the event loop itself (`loop_writes`). While
others are on their way (their caller being checked) or wait in line, the loop does not commit
after each: up to MAX_SHARED writes share one transaction, each in a savepoint of its own (a
refusal undoes its own writes only), and the last one commits them all, with one fsync. No
answer is sent before its writes (and what it read of the others') have committed: if the
commit fails, every write that shared it gets the error (503, retried under its
Idempotency-Key). One SQLite worker, 16 connections, A/B pairs: 372 -> 496 transfers/s, p99
62 -> 50 ms. Eight at most: while one group's answers go out and their next requests come in,
the next group is written; with 32 the sixteen connections' writes all waited for the same
commit (426/s), and with 4 the fsyncs came back (414/s).

A transaction stays open for MAX_OPEN_S at most: the writer turn is kept meanwhile (the worker
threads' writes, a log-in or a beneficiary, and the other workers' wait for it), and its first
transfer waits for its last. At a fixed 320 transfers/s (80 % of one worker's maximum), p99
58 ms with 25 ms, 26 ms with 10 ms, and 78 ms with no commit shared at all (the worker could
no longer keep up); in closed loop 10 ms made 478/s against 25 ms's 449/s."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from adapters.sql.engine import database_unavailable
from adapters.sql.writer_turn import DatabaseBusy
from application.ports import (
    ReadWouldWait,
    UnitOfWorkFactory,
    WriterTurnTaken,
    WritesInPlace,
    WriteWouldWait,
)
from application.use_cases import Principal
from entrypoints.http.offload import offload

MAX_SHARED = 8
MAX_OPEN_S = 0.010

# A quick endpoint's blocking work: the request, its checked caller and its body.
WorkerHandler = Callable[[Request, Principal, bytes], Response]
# What a write in place came to: its answer or its error, and the commit it waits for.
_Outcome = tuple[Response | None, Exception | None, "asyncio.Future[None] | None"]


class QuickWrites:
    """One event loop's quick writes (an asyncio lock belongs to one loop)."""

    def __init__(self, factory: UnitOfWorkFactory) -> None:
        self._factory = factory
        self._turn = asyncio.Lock()
        self._coming = 0  # writes whose caller is being checked
        self._in_line = 0  # writes waiting for the lock
        self._durable: asyncio.Future[None] | None = None  # the open transaction's commit
        self._shared = 0  # writes in it
        self._opened_at = 0.0
        self._watch: asyncio.TimerHandle | None = None
        self._unavailable_at = 0.0  # when a write last failed for want of the database

    async def write(self, request: Request, handler: WorkerHandler, body: bytes,
                    check: Callable[[], Awaitable[Principal | None]]) -> Response | None:
        """`_write`; a write that waited in line while the one ahead of it failed for want of
        the database (a lock held past the wait, VAANI_DB_WAIT_SECONDS) fails the same way at
        once, so that no write waits in line for the database longer than that wait."""
        arrived = time.monotonic()
        try:
            return await self._write(request, handler, body, check, arrived)
        except Exception as error:
            if database_unavailable(error):
                self._unavailable_at = time.monotonic()
            raise

    async def _write(self, request: Request, handler: WorkerHandler, body: bytes,
                     check: Callable[[], Awaitable[Principal | None]],
                     arrived: float) -> Response | None:
        """Check the caller (`check`, in place), then run `handler` in place, else on a worker
        thread; None if the check must be made on a worker thread. One at a time: while a
        worker's own writes ran on its threads, the loop found the database taken by them,
        half the time; so a write refused because this worker writes goes to a thread still
        one at a time. Writes the loop may not do for a while (a slow disk) go to threads side
        by side. While another worker writes, they wait in line behind one that waits for the
        writer turn on a thread (`_after_the_other_worker`)."""
        if self._factory.loop_writes() is None:  # for a while: side by side on threads
            who = await check()
            return None if who is None else await offload(handler, request, who, body)
        who = await self._arrive(check)
        if who is None:
            return None
        await self._wait_in_line()
        try:
            if self._unavailable_at > arrived:
                raise DatabaseBusy("the database took no write while this one waited in line")
            try:
                outcome = self._in_place(request, handler, who, body)
            except WriterTurnTaken:
                outcome = await self._after_the_other_worker(request, handler, who, body)
            if outcome is None:  # nothing written: a worker thread may wait where the loop may not
                self._commit()  # first, so that the thread can take the writer turn
                if self._factory.loop_writes() is not None:  # refused by this worker's thread
                    return await offload(handler, request, who, body)
        finally:
            self._leave()
        if outcome is None:
            return await offload(handler, request, who, body)
        answer, error, durable = outcome
        if durable is not None:
            await asyncio.shield(durable)  # raises if the commit failed; shared by all waiting
        if error is not None:
            raise error
        assert answer is not None
        return answer

    async def _arrive(self, check: Callable[[], Awaitable[Principal | None]]
                      ) -> Principal | None:
        """While a write is on its way (its caller being checked), the open transaction waits
        for it: writes in flight together commit together, where a write that waited for
        none committed alone, each of them."""
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

    def _in_place(self, request: Request, handler: WorkerHandler, who: Principal,
                  body: bytes) -> _Outcome | None:
        writes, reads = self._factory.loop_writes(), self._factory.loop_reads()
        if writes is None or reads is None:
            return None
        try:
            with writes, reads:
                answer = handler(request, who, body)
        except WriterTurnTaken:
            raise  # nothing was written
        except (ReadWouldWait, WriteWouldWait):
            return None  # nothing was written
        except Exception as error:  # a refusal: told once what it read has committed
            return None, error, self._joined(writes)
        return answer, None, self._joined(writes)

    async def _after_the_other_worker(self, request: Request, handler: WorkerHandler,
                                      who: Principal, body: bytes) -> _Outcome | None:
        """Another worker has the writer turn: a worker thread waits for it and keeps it for
        this write, while the writes coming after this one wait in line; then they share one
        transaction, as a worker's writes do when the turn was free. Two SQLite workers, 16
        connections, A/B: 487 -> 765 transfers/s; before, each write went to a thread and
        committed alone there, and two workers made fewer transfers than one. None if the
        write should go to a thread after all."""
        waiting = asyncio.ensure_future(offload(self._factory.wait_for_writer_turn))
        try:
            if not await asyncio.shield(waiting):
                return None
        except asyncio.CancelledError:  # the client went away: the turn, once taken, goes back
            waiting.add_done_callback(self._give_back_turn)
            raise
        try:
            return self._in_place(request, handler, who, body)
        except WriterTurnTaken:  # cannot be, with the turn kept for it: a thread writes it then
            return None
        finally:
            self._factory.give_back_writer_turn()  # if it wrote nothing, nothing took it

    def _give_back_turn(self, waited: asyncio.Future[bool]) -> None:
        if not waited.cancelled():
            waited.exception()  # a failed wait took nothing; retrieved, so it is not logged
        self._factory.give_back_writer_turn()

    def _joined(self, writes: WritesInPlace) -> asyncio.Future[None] | None:
        if not writes.pending:
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
            self._factory.commit_loop_writes()
        except Exception as error:
            if durable is None:
                raise
            durable.set_exception(error)
        else:
            if durable is not None:
                durable.set_result(None)


def _retrieved(durable: asyncio.Future[None]) -> None:
    durable.exception()  # each write waiting raises it; none may be left waiting
