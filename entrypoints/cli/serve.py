"""`vaani serve`: the HTTP API under uvicorn."""

from __future__ import annotations

import typer
import uvicorn

from entrypoints.cli.runtime import container, reports_errors
from entrypoints.http.app import create_app


@reports_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
) -> None:
    """Serve the HTTP API (one process; the container is built once, before the first request)."""
    app = create_app(container(need_token_secret=True))
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=10)
