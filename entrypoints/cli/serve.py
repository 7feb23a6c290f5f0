"""`vaani serve`: the HTTP API under uvicorn."""

from __future__ import annotations

import logging

import typer
import uvicorn

from application.ports import VoiceEngine
from entrypoints.bootstrap import check_ready_to_serve
from entrypoints.cli.runtime import JSON_OPTION, container, emit_json, reports_errors
from entrypoints.http.app import create_app
from entrypoints.settings import Settings


@reports_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    as_json: bool = JSON_OPTION,
) -> None:
    """Serve the HTTP API (one process; the container is built once, before the first request)."""
    wired = container(need_token_secret=True)
    check_ready_to_serve(wired)
    app = create_app(wired)
    # Load the speaker model before the first request, not during a customer's login.
    wired.resolve(VoiceEngine).warm_up()
    if as_json:  # one machine-readable line for supervisors; uvicorn's own log stays quiet
        emit_json({"url": f"http://{host}:{port}", "profile": wired.resolve(Settings).profile})
    # Structured access log (one JSON line per request) instead of uvicorn's plain one.
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    uvicorn.run(app, host=host, port=port, log_level="warning" if as_json else "info",
                access_log=False, timeout_graceful_shutdown=10)
