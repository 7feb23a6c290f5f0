"""Every line `vaani serve` logs is JSON: an unhandled error's line carries the request id the
client was answered with, and its stack trace inside the line; uvicorn's own lines too."""

from __future__ import annotations

import json
import logging
import logging.config

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from entrypoints.http.json_log import JsonLines, uvicorn_log_config
from entrypoints.http.middleware import RequestContextMiddleware


async def broken(_: Request) -> Response:
    raise RuntimeError("a bug in an endpoint")


def test_an_unhandled_error_is_one_json_line_with_the_request_id(
        caplog: pytest.LogCaptureFixture) -> None:
    app = Starlette(routes=[Route("/broken", broken)],
                    middleware=[Middleware(RequestContextMiddleware)])
    with caplog.at_level(logging.ERROR, logger="vaani.http"), TestClient(app) as client:
        answer = client.get("/broken")
    assert answer.status_code == 500
    [record] = [r for r in caplog.records if r.name == "vaani.http"]
    text = JsonLines().format(record)
    assert "\n" not in text
    line = json.loads(text)
    assert line["request_id"] == answer.headers["x-request-id"]
    assert line["level"] == "error" and line["message"] == "unhandled error"
    assert "RuntimeError: a bug in an endpoint" in line["exception"]
    assert line["time"].endswith("Z") and line["logger"] == "vaani.http"


def test_a_plain_record_has_no_request_id_and_keeps_its_words() -> None:
    record = logging.LogRecord("vaani", logging.WARNING, __file__, 1, 'quote " and\nnewline %s',
                               ("é",), None)
    line = json.loads(JsonLines().format(record))
    assert line["message"] == 'quote " and\nnewline é' and "request_id" not in line


def test_uvicorns_loggers_write_json(capsys: pytest.CaptureFixture[str]) -> None:
    logging.config.dictConfig(uvicorn_log_config())
    try:
        logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
        [text] = capsys.readouterr().err.splitlines()
        assert json.loads(text)["message"] == "Started server process [42]"
    finally:
        for name in ("uvicorn", "uvicorn.access"):  # back to what pytest left them
            logger = logging.getLogger(name)
            logger.handlers.clear()
            logger.propagate = True
