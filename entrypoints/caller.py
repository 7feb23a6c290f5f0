"""On whose behalf the current work runs: the customer (or operator) a request acts for, once
its token and session are checked, or nobody (a CLI command, a job).

The database adapter asks it (`current`, handed over by the composition root) to give a caller
read-your-own-writes when reads may be served by a replica (adapters/sql/postgres/
replica_reads.py): nothing else depends on it, and without a replica it changes nothing.

A context variable (PEP 567), so it belongs to one request: set by the HTTP layer around the
work it runs for a caller (entrypoints/http/auth.py), carried onto the worker threads that work
hops to (`carried`; the loop's executor copies no context)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar
from uuid import UUID

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
_CALLER: ContextVar[UUID | None] = ContextVar("vaani_caller", default=None)


def current() -> UUID | None:
    return _CALLER.get()


@contextmanager
def acting_for(customer_id: UUID | None) -> Iterator[None]:
    token = _CALLER.set(customer_id)
    try:
        yield
    finally:
        _CALLER.reset(token)


def as_caller(customer_id: UUID, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`fn(*args, **kwargs)` on behalf of `customer_id` (`acting_for` without a generator's
    cost, for work that every request runs)."""
    token = _CALLER.set(customer_id)
    try:
        return fn(*args, **kwargs)
    finally:
        _CALLER.reset(token)


def carried(fn: Callable[P, R]) -> Callable[P, R]:
    """`fn`, to run elsewhere (a worker thread) on behalf of the caller current now."""
    caller = _CALLER.get()
    return fn if caller is None else functools.partial(as_caller, caller, fn)


def each_carried(items: Iterator[T]) -> Iterator[T]:
    """`items`, each made on behalf of the caller current now (when this is called, not when
    the first is asked for), wherever it is asked for: a streamed response's body is read
    after its endpoint has returned, on threads of its own."""
    return _each(items, _CALLER.get())


def _each(items: Iterator[T], caller: UUID | None) -> Iterator[T]:
    while True:
        token = _CALLER.set(caller)
        try:
            item = next(items)
        except StopIteration:
            return
        finally:
            _CALLER.reset(token)
        yield item
