"""A response body written by a blocking iterator of text chunks: whole when it is small,
streamed when it is not.

Called on the worker thread that ran the use case. Starlette's StreamingResponse asks for every
chunk of a blocking iterator on a thread of its own, one trip off the event loop each (a day's
statement took four); a body that ends within `WHOLE_UP_TO` characters is read right here and
sent in one piece with its length. A longer one sends what was read, then the rest chunk by
chunk, each read on behalf of the caller (entrypoints/caller.py), so memory stays bounded."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from starlette.responses import Response, StreamingResponse

from entrypoints.caller import each_carried

WHOLE_UP_TO = 256 * 1024  # a month of a busy account's statement; a page of entries is ~125 KiB


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
    yield "".join(read)
    yield from rest
