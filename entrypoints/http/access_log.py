"""One JSON line per request: who, which route, outcome, latency."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import lru_cache

from starlette.types import Scope

access = logging.getLogger("vaani.access")
_STRING = json.JSONEncoder(separators=(",", ":")).encode  # made once, not per line

LineSink = Callable[[str], None]


class AccessLog:
    """Writes each line to `write`, or, without one, logs it as INFO on `vaani.access` (the
    logging an embedding application configured). `vaani serve` passes the batched stderr
    handler's own `write_line` when the process's log is that handler (serving.py): a line
    then skips the record, the handler lookup and the formatter, most of what a logged line
    costs."""

    def __init__(self, write: LineSink | None = None) -> None:
        self._write = write

    def __call__(self, scope: Scope, request_id: str, status: int, seconds: float) -> None:
        """Never bodies, tokens, passwords or PINs: only what is listed here is written."""
        write = self._write
        if write is None:
            if not access.isEnabledFor(logging.INFO):
                return
            write = access.info
        route = getattr(scope.get("route"), "path", None) or scope.get("path")
        principal = scope.get("state", {}).get("principal")
        customer = f'"{principal.customer_id}"' if principal is not None else "null"
        # Written out rather than by json.dumps of a dict, which would weigh on every request: the
        # request id matched the middleware's pattern or is ours, the status and latency are
        # numbers, the customer a UUID; only the method and the route are encoded.
        write(f'{{"request_id":"{request_id}",{_method_and_route(scope.get("method"), route)},'
              f'"status":{int(status)},"latency_ms":{round(seconds * 1000, 2)},'
              f'"customer_id":{customer}}}')


@lru_cache(maxsize=1024)
def _method_and_route(method: str | None, route: str | None) -> str:
    """A route is one of the app's path templates, but an unmatched path is the client's own:
    the cache is bounded, so such paths only push each other out."""
    return f'"method":{_STRING(method)},"route":{_STRING(route)}'
