"""Every line `vaani serve` logs is one JSON object: the access log's (access_log.py), the
application's, uvicorn's own, and an unhandled error's with its request id and stack trace, so
a log shipper never has to guess where a line ends or which request it was about."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class JsonLines(logging.Formatter):
    """{"time", "level", "logger", "message"}, the "request_id" a record was logged with
    (`extra={"request_id": ...}`), and an error's "exception" (its trace, on the same line)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(), "logger": record.name,
            "message": record.getMessage()}
        request_id = getattr(record, "request_id", None)
        if request_id is not None:
            line["request_id"] = str(request_id)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return _ENCODE(line)


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's logging (its start-up, shutdown and errors), in the master and in each worker
    it starts: its own loggers and levels, lines in JsonLines instead of its plain text."""
    handler = {"formatter": "json", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonLines"}},
        "handlers": {"json": handler},
        "loggers": {"uvicorn": {"handlers": ["json"], "level": "INFO", "propagate": False},
                    "uvicorn.error": {"level": "INFO"},
                    "uvicorn.access": {"handlers": ["json"], "level": "INFO", "propagate": False}},
    }
