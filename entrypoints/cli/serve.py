"""`vaani serve`: the HTTP API under uvicorn."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer

from entrypoints.cli.runtime import JSON_OPTION, container, emit_json, fail, reports_errors

if TYPE_CHECKING:
    from entrypoints.settings import Settings


@reports_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="worker processes (PostgreSQL: one per core is a good start)"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Serve the HTTP API; the container is built before the first request, once per worker."""
    import uvicorn

    from entrypoints.bootstrap import check_ready_to_serve
    from entrypoints.http.json_log import uvicorn_log_config
    from entrypoints.http.metrics.workers import shared_by_workers
    from entrypoints.http.serving import ready_app
    from entrypoints.http.worker_load import shared_with_workers
    from entrypoints.settings import Settings

    wired = container(need_token_secret=True)
    settings = wired.resolve(Settings)
    if workers > 1 and settings.profile == "memory":
        fail("the memory profile keeps its data inside one process: serve it with one worker", 2)
    check_ready_to_serve(wired)  # fail here, once, on a database that is not ready
    if as_json:  # one machine-readable line for supervisors; uvicorn's own log stays quiet
        emit_json({"url": f"http://{host}:{port}", "profile": settings.profile,
                   "workers": workers})
    served = {"host": host, "port": port, "log_level": "warning" if as_json else "info",
              "access_log": False, "timeout_graceful_shutdown": 10,
              "server_header": False,  # the software and its version are nobody's business
              "log_config": uvicorn_log_config(),  # its lines JSON too (json_log.py)
              **forwarding(settings)}
    if workers == 1:
        uvicorn.run(ready_app(wired), **served)
        return
    # Workers must sign and check tokens with one key, also the key a demo mints per start.
    os.environ["VAANI_JWT_SECRET"] = settings.jwt_secret
    # Where the workers count their requests in flight, note where callers' writes ended, and
    # count their series for /metrics (a fresh directory per start, removed on exit).
    with shared_with_workers(), last_writes_shared(settings), \
            shared_by_workers(settings.metrics.served):
        uvicorn.run("entrypoints.http.serving:app_from_environment", factory=True,
                    workers=workers, **served)


@contextmanager
def last_writes_shared(settings: Settings) -> Iterator[None]:
    """With a replica, one table of callers' last writes for all the workers: a client moved
    to another worker still reads its own writes (adapters/sql/postgres/last_writes.py)."""
    from adapters.sql.postgres.last_writes import shared_file
    from entrypoints.bootstrap import LAST_WRITES_FILE

    if settings.replica_url is None:
        yield
        return
    with shared_file() as path:
        if path is not None:
            os.environ[LAST_WRITES_FILE] = path
        try:
            yield
        finally:
            os.environ.pop(LAST_WRITES_FILE, None)


def forwarding(settings: Settings) -> dict[str, Any]:
    """Whose X-Forwarded-For and -Proto to believe: only the configured proxies'. uvicorn
    believes loopback's by default, so any local caller could pick the address it is counted
    under (its own rate-limit bucket) and what the audit trail records."""
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": list(settings.trusted_proxies)}
