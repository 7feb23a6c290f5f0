"""A response body written by a blocking iterator of text chunks: whole when it is small,
streamed when it is not.

Called on the worker thread that ran the use case. Starlette's StreamingResponse asks for every
chunk of a blocking iterator on a thread of its own, and has sent its status line before the
first is read: a read that fails halfway leaves the client a cut-off body under a 200. A body
that ends within `WHOLE_UP_TO` characters is read right here, so it is answered complete, with
its length, or with an error. A longer one sends what was read, then the rest chunk by chunk,
each read on behalf of the caller (entrypoints/caller.py), so memory stays bounded; the limit is
small because the thread is one of the few that run request work (entrypoints/http/offload.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from starlette.responses import Response, StreamingResponse

from entrypoints.caller import each_carried

WHOLE_UP_TO = 64 * 1024  # characters: some 250 entries of a statement, a busy account's week


def whole_or_streamed(chunks: Iterator[str], media_type: str,
                      headers: Mapping[str, str] | None = None) -> Response:
    read: list[str] = []
    size = 0
    for chunk in chunks:
        read.append(chunk)
        size += len(chunk)
        if size > WHOLE_UP_TO:
            return StreamingResponse(_after(read, each_carried(chunks)), media_type=media_type,
                                     headers=headers)
    return Response("".join(read), media_type=media_type, headers=headers)


def _after(read: list[str], rest: Iterator[str]) -> Iterator[str]:
    text = "".join(read)
    read.clear()  # the chunks, once joined, need not last as long as the stream
    yield text
    yield from rest
