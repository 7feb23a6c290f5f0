"""Requests by route template and status, and their latency: counted where the access line is
written (access_log.py), once per answered request."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from starlette.types import Scope

from entrypoints.http.access_log import AccessLog
from entrypoints.http.metrics import series

UNMATCHED = "unmatched"  # a path no route takes: the client's own words, never a label
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class CountedAccessLog(AccessLog):
    """The access log, and the request counted into the series: by the route's path template
    (`/api/v1/accounts/{account_number}`), never the path, so a series stays one per route."""

    def __call__(self, scope: Scope, request_id: str, status: int, seconds: float) -> None:
        super().__call__(scope, request_id, status, seconds)
        route = getattr(scope.get("route"), "path", None) or UNMATCHED
        method = scope.get("method")
        counter, histogram = _children(route, method if method in _METHODS else "OTHER",
                                       int(status))
        counter.inc()
        histogram.observe(seconds)


@lru_cache(maxsize=4096)
def _children(route: str, method: str, status: int) -> tuple[Any, Any]:
    """The labelled series of one (route, method, status): looked up once, not per request."""
    return (series.REQUESTS.labels(route, method, str(status)),
            series.LATENCY.labels(route, method))
