"""A statement's body: sent in one piece when it is short, streamed when it is long.

A streamed body costs the server a thread hop per chunk (its pages are read on worker
threads, after the endpoint has returned): for a statement of a day, those hops cost more than
reading it. So the first chunks are read at once, on the worker thread that opened the
statement; a statement that ends within them is answered whole, with a Content-Length."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from starlette.responses import Response, StreamingResponse

from entrypoints.caller import each_carried

# The head (one or two chunks), up to two pages of entries, the tail: a short statement.
FIRST_CHUNKS = 4


def begun(chunks: Iterator[str]) -> tuple[list[str], Iterator[str] | None]:
    """The first chunks, and the rest to stream (None: there is no rest)."""
    first = list(itertools.islice(chunks, FIRST_CHUNKS + 1))
    return (first, None) if len(first) <= FIRST_CHUNKS else (first, chunks)


def answer(first: list[str], rest: Iterator[str] | None, media_type: str,
           headers: dict[str, str] | None = None) -> Response:
    if rest is None:
        return Response("".join(first), media_type=media_type, headers=headers)
    return StreamingResponse(each_carried(itertools.chain(first, rest)), media_type=media_type,
                             headers=headers)


